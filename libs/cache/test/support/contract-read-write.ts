import { waitUntil, type ContractHarness } from './contract-harness.js';

const ROUND_TRIPS: ReadonlyArray<readonly [string, unknown]> = [
  ['null', null],
  ['0', 0],
  ['the empty string', ''],
  ['false', false],
  ['true', true],
  ['a negative integer', -42],
  ['the largest safe integer', Number.MAX_SAFE_INTEGER],
  ['an unsafe integer', 2 ** 60],
  ['a float', 3.14159],
  ['a string of digits (stays a string)', '42'],
  ['a unicode string', 'héllo ✓ 🚀 日本語, with \u0000 and \n inside'],
  ['a nested object', { a: { b: [1, 'two', { c: null, d: false }] }, e: 0, ünï: '🚀' }],
  ['an array', [1, 'a', null, [false, 0, ''], { x: [] }]],
  ['an empty object', {}],
  ['an empty array', []],
  ['a large object', { rows: Array.from({ length: 300 }, (_, i) => ({ id: i, name: `row ${i}`, tags: ['a', 'b'] })) }],
];

/** get, set, add, getMany, setMany, delete, deleteMany, has, getOrSet, invalidateTags and stats. */
export function describeReadWrite(h: ContractHarness): void {
  describe('get and set', () => {
    it.each(ROUND_TRIPS)('round-trips %s', async (_, value) => {
      const { cache } = await h.open();
      await cache.set('k', value);
      expect(await cache.get('k')).toStrictEqual(value);
      expect(await cache.get('k', 'fallback')).toStrictEqual(value);
    });

    it('returns undefined, or the fallback, on a miss', async () => {
      const { cache } = await h.open();
      expect(await cache.get('absent')).toBeUndefined();
      expect(await cache.get('absent', 'fallback')).toBe('fallback');
      expect(await cache.get('absent', null)).toBeNull();
    });

    it('returns stored falsy values rather than the fallback', async () => {
      const { cache } = await h.open();
      await cache.setMany({ nothing: null, zero: 0, empty: '', no: false });
      expect(await cache.get('nothing', 'fallback')).toBeNull();
      expect(await cache.get('zero', 5)).toBe(0);
      expect(await cache.get('empty', 'x')).toBe('');
      expect(await cache.get('no', true)).toBe(false);
    });

    it('overwrites a value, and keeps each version apart', async () => {
      const { cache } = await h.open();
      await cache.set('k', 'first');
      await cache.set('k', 'second');
      await cache.set('k', 'other version', undefined, { version: h.version + 1 });
      expect(await cache.get('k')).toBe('second');
      expect(await cache.get('k', undefined, { version: h.version + 1 })).toBe('other version');
      expect(await cache.get('k', undefined, { version: h.version + 2 })).toBeUndefined();
    });

    it('accepts unicode, spaces and glob characters in keys', async () => {
      const { cache } = await h.open();
      const keys = ['clé ünïcode 🚀', 'with spaces', 'a*b?c[d]\\e', '日本語:キー'];
      await Promise.all(keys.map((key, i) => cache.set(key, i + 100)));
      for (const [i, key] of keys.entries()) expect(await cache.get(key)).toBe(i + 100);
    });
  });

  describe('add', () => {
    it('stores only when the key is absent', async () => {
      const { cache } = await h.open();
      expect(await cache.add('k', 'first')).toBe(true);
      expect(await cache.add('k', 'second')).toBe(false);
      expect(await cache.get('k')).toBe('first');
      await cache.set('falsy', 0);
      expect(await cache.add('falsy', 1)).toBe(false);
      expect(await cache.get('falsy')).toBe(0);
    });

    it('stores again once the previous value has expired', async () => {
      const { cache } = await h.open();
      // Long enough that the second add still finds it on a loaded machine.
      expect(await cache.add('k', 'first', 1)).toBe(true);
      expect(await cache.add('k', 'second', 60)).toBe(false);
      await waitUntil(async () => !(await cache.has('k')));
      expect(await cache.add('k', 'second', 60)).toBe(true);
      expect(await cache.get('k')).toBe('second');
    });

    it('lets exactly one of 50 concurrent callers store, and keeps its value', async () => {
      const { cache } = await h.open();
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => cache.add('contended', `caller-${i}`)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await cache.get('contended')).toBe(`caller-${results.indexOf(true)}`);
    });

    it('stores over an entry whose tag was invalidated, since get and has report it missing', async () => {
      const { cache } = await h.open();
      await cache.set('k', 1, 60, { tags: ['t'] });
      await cache.set('kept', 1, 60, { tags: ['u'] });
      await cache.invalidateTags(['t']);
      expect(await cache.has('k')).toBe(false);
      expect(await cache.add('k', 2)).toBe(true);
      expect(await cache.get('k')).toBe(2);
      expect(await cache.add('k', 3)).toBe(false);
      expect(await cache.add('kept', 2)).toBe(false);
      expect(await cache.get('kept')).toBe(1);
    });

    it('stores over an entry past its fresh time that is kept for grace or stale-while-revalidate', async () => {
      const { cache } = await h.open();
      await cache.getOrSet('grace', () => 'old', { ttl: 1, grace: 60 });
      await cache.getOrSet('swr', () => 'old', { ttl: 1, staleWhileRevalidate: 60 });
      expect(await cache.add('grace', 'early')).toBe(false);
      await waitUntil(async () => !(await cache.has('grace')) && !(await cache.has('swr')));
      expect(await cache.add('grace', 'new', 60, { tags: ['t'] })).toBe(true);
      expect(await cache.add('swr', 'new')).toBe(true);
      expect(await cache.getMany(['grace', 'swr'])).toEqual(
        new Map([
          ['grace', 'new'],
          ['swr', 'new'],
        ]),
      );
      expect(await cache.add('grace', 'again')).toBe(false);
    });

    it('lets exactly one of 20 concurrent callers replace an invalidated entry', async () => {
      const { cache } = await h.open();
      await cache.set('contended', 'stale', 60, { tags: ['t'] });
      await cache.invalidateTags(['t']);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => cache.add('contended', `caller-${i}`)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await cache.get('contended')).toBe(`caller-${results.indexOf(true)}`);
    });

    it('with ttl 0 reports whether the key was absent and stores nothing', async () => {
      const { cache } = await h.open();
      expect(await cache.add('k', 'v', 0)).toBe(true);
      expect(await cache.has('k')).toBe(false);
      await cache.set('k', 'kept');
      expect(await cache.add('k', 'v', 0)).toBe(false);
      expect(await cache.get('k')).toBe('kept');
    });
  });

  describe('getMany and setMany', () => {
    it('returns a Map of the found keys only, stored falsy values included', async () => {
      const { cache } = await h.open();
      expect(await cache.setMany({ a: { n: 1 }, b: null, c: 0, d: '' })).toEqual([]);
      const found = await cache.getMany(['a', 'b', 'c', 'd', 'missing']);
      expect(found).toEqual(
        new Map<string, unknown>([
          ['a', { n: 1 }],
          ['b', null],
          ['c', 0],
          ['d', ''],
        ]),
      );
      expect(found.has('missing')).toBe(false);
      expect(await cache.getMany([])).toEqual(new Map());
    });

    it('setMany accepts entries, applies the TTL and the version to every key', async () => {
      const { cache } = await h.open();
      const version = h.version + 1;
      const entries = new Map<string, unknown>([
        ['x', 'ex'],
        ['y', [1, 2]],
      ]);
      expect(await cache.setMany(entries, 100, { version })).toEqual([]);
      expect(await cache.getMany(['x', 'y'], { version })).toEqual(entries);
      expect(await cache.getMany(['x', 'y'])).toEqual(new Map());
      expect(await cache.ttl('y', { version })).toBeGreaterThanOrEqual(99);
      expect(await cache.ttl('y', { version })).toBeLessThanOrEqual(100);
    });

    it('setMany with ttl 0 deletes the keys', async () => {
      const { cache } = await h.open();
      await cache.setMany({ a: 1, b: 2, c: 3 });
      expect(await cache.setMany({ a: 10, b: 20 }, 0)).toEqual([]);
      expect(await cache.getMany(['a', 'b', 'c'])).toEqual(new Map([['c', 3]]));
    });
  });

  describe('delete, deleteMany and has', () => {
    it('delete reports whether the key existed', async () => {
      const { cache } = await h.open();
      await cache.set('k', false);
      expect(await cache.delete('k')).toBe(true);
      expect(await cache.has('k')).toBe(false);
      expect(await cache.delete('k')).toBe(false);
    });

    it('deleteMany returns how many keys existed', async () => {
      const { cache } = await h.open();
      await cache.setMany({ a: 1, b: null, c: 3 });
      expect(await cache.deleteMany(['a', 'b', 'missing'])).toBe(2);
      expect(await cache.getMany(['a', 'b', 'c'])).toEqual(new Map([['c', 3]]));
      expect(await cache.deleteMany([])).toBe(0);
    });

    it('has is true for stored falsy values and false for missing keys', async () => {
      const { cache } = await h.open();
      await cache.setMany({ nothing: null, zero: 0, no: false });
      expect(await Promise.all(['nothing', 'zero', 'no', 'missing'].map((key) => cache.has(key)))).toEqual([
        true,
        true,
        true,
        false,
      ]);
    });
  });

  describe('getOrSet and invalidateTags', () => {
    it('loads once on a miss, stores with the TTL, and serves the stored value after', async () => {
      const { cache } = await h.open();
      let runs = 0;
      const loader = () => ({ run: ++runs });
      expect(await cache.getOrSet('k', loader, { ttl: 100 })).toEqual({ run: 1 });
      expect(await cache.getOrSet('k', loader, { ttl: 100 })).toEqual({ run: 1 });
      expect(runs).toBe(1);
      expect(await cache.get('k')).toEqual({ run: 1 });
      expect(await cache.ttl('k')).toBeGreaterThanOrEqual(99);
    });

    it('makes tagged entries miss after their tag is invalidated, and leaves the others', async () => {
      const { cache } = await h.open();
      await cache.set('tagged', 'a', 60, { tags: ['t'] });
      await cache.set('other', 'b', 60, { tags: ['u'] });
      await cache.set('plain', 'c', 60);
      await cache.invalidateTags(['t']);
      expect(await cache.getMany(['tagged', 'other', 'plain'])).toEqual(
        new Map([
          ['other', 'b'],
          ['plain', 'c'],
        ]),
      );
      expect(await cache.has('tagged')).toBe(false);
    });
  });

  describe('stats', () => {
    it('counts hits, misses, sets and deletes of this cache only', async () => {
      const { cache } = await h.open();
      const { cache: other } = await h.open();
      await cache.get('missing');
      await cache.set('a', 1);
      await cache.add('b', 2);
      await cache.add('b', 3);
      await cache.setMany({ c: 3, d: 4 });
      await cache.get('a');
      await cache.getMany(['a', 'b', 'nope']);
      await cache.delete('a');
      await cache.delete('a');
      await cache.deleteMany(['b', 'c', 'nope']);
      expect(cache.stats()).toMatchObject({ hits: 3, misses: 2, sets: 4, deletes: 3, errors: 0, decodeErrors: 0 });
      expect(other.stats()).toMatchObject({ hits: 0, misses: 0, sets: 0, deletes: 0 });
    });
  });
}
