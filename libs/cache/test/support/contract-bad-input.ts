import { jest } from '@jest/globals';
import { CacheKeyError, CacheSerializationError, CacheTtlError, type CacheService } from '@stash/cache';
import { callsNotRejecting, type ContractHarness } from './contract-harness.js';

const BAD_KEYS: ReadonlyArray<readonly [string, unknown]> = [
  ['an empty', ''],
  ['a number', 42],
  ['a null', null],
  ['an undefined', undefined],
  ['an object', { key: 'k' }],
  ['a newline', 'a\nb'],
  ['a NUL', 'a\u0000b'],
  ['a tab', 'a\tb'],
  ['a DEL', 'a\u007fb'],
  ['an ANSI escape', '\u001b[31mred'],
];

function cyclic(): unknown {
  const node: Record<string, unknown> = { name: 'loop' };
  node.self = { parent: node };
  return node;
}

/** Values no codec can encode faithfully. */
const UNENCODABLE: ReadonlyArray<readonly [string, () => unknown]> = [
  ['a function', () => () => 1],
  ['a symbol', () => Symbol('s')],
  ['a cyclic object', cyclic],
  [
    'a cyclic array',
    () => {
      const list: unknown[] = [1];
      list.push([list]);
      return list;
    },
  ],
  ['a function nested in an object', () => ({ ok: 1, nested: [{ fn: () => 1 }] })],
  ['a symbol nested in an array', () => [1, Symbol('s')]],
  ['undefined (which means a miss)', () => undefined],
];

/** Values JSON cannot carry faithfully and msgpack can. */
const JSON_ONLY_UNENCODABLE: ReadonlyArray<readonly [string, () => unknown]> = [
  ['a BigInt', () => 10n],
  ['a Map', () => new Map([['a', 1]])],
  ['a Set', () => new Set([1])],
  ['NaN', () => Number.NaN],
  ['Infinity', () => -Infinity],
  ['a Buffer', () => Buffer.from('bytes')],
];

const BAD_TTLS: readonly unknown[] = [-1, -0.001, Number.NaN, Infinity, -Infinity, '10', {}];

/** Every call that takes a key, with `key` in the key position. */
function keyedCalls(cache: CacheService, key: string) {
  const loader = jest.fn(() => 'loaded');
  const calls: Array<readonly [string, () => Promise<unknown>]> = [
    ['get', () => cache.get(key)],
    ['set', () => cache.set(key, 'v')],
    ['add', () => cache.add(key, 'v')],
    ['has', () => cache.has(key)],
    ['delete', () => cache.delete(key)],
    ['touch', () => cache.touch(key, 60)],
    ['ttl', () => cache.ttl(key)],
    ['expire', () => cache.expire(key, 60)],
    ['persist', () => cache.persist(key)],
    ['incr', () => cache.incr(key)],
    ['decr', () => cache.decr(key)],
    ['incrVersion', () => cache.incrVersion(key)],
    ['decrVersion', () => cache.decrVersion(key)],
    ['getMany', () => cache.getMany(['good', key])],
    ['setMany', () => cache.setMany([['good', 1] as const, [key, 2] as const])],
    ['deleteMany', () => cache.deleteMany(['good', key])],
    ['getOrSet', () => cache.getOrSet(key, loader)],
    ['set with a tag', () => cache.set('good', 'v', 60, { tags: [key] })],
    ['lock', () => cache.lock(key, { blockingTimeout: 0 })],
  ];
  return { calls, loader };
}

/** Bad keys, values and TTLs: a typed error at the call, and nothing written. */
export function describeBadInput(h: ContractHarness): void {
  describe('bad keys', () => {
    it.each(BAD_KEYS)('%s key throws CacheKeyError from every method and writes nothing', async (_, key) => {
      const target = await h.open();
      const { calls, loader } = keyedCalls(target.cache, key as string);
      expect(await callsNotRejecting(calls, CacheKeyError)).toEqual([]);
      expect(loader).not.toHaveBeenCalled();
      await h.expectNothingStored(target);
    });
  });

  describe('values the codec cannot encode', () => {
    const refused = [...UNENCODABLE, ...(h.codec === 'json' ? JSON_ONLY_UNENCODABLE : [])];

    it.each(refused)('%s throws CacheSerializationError from every write and writes nothing', async (_, make) => {
      const target = await h.open();
      const { cache } = target;
      const calls = [
        ['set', () => cache.set('k', make())],
        ['add', () => cache.add('k', make())],
        ['setMany', () => cache.setMany([['good', 1] as const, ['k', make()] as const])],
        ['getOrSet', () => cache.getOrSet('k', make)],
      ] as const;
      expect(await callsNotRejecting(calls, CacheSerializationError)).toEqual([]);
      await h.expectNothingStored(target);
    });

    // Reads back what was written: not for the dummy store, which keeps nothing.
    if (h.stores) {
      it('refuses a value before replacing the stored one', async () => {
        const { cache } = await h.open();
        await cache.set('k', 'kept');
        await expect(cache.set('k', () => 1)).rejects.toBeInstanceOf(CacheSerializationError);
        await expect(cache.setMany({ k: 'replaced', bad: Symbol('s') })).rejects.toBeInstanceOf(
          CacheSerializationError,
        );
        expect(await cache.get('k')).toBe('kept');
        expect(await cache.has('bad')).toBe(false);
      });
    }

    it('refuses a tagged value without storing an entry or creating its tag tokens', async () => {
      const target = await h.open();
      const { cache } = target;
      const tagged = { tags: ['t', 'u'] };
      const calls = [
        ['set', () => cache.set('k', cyclic(), 60, tagged)],
        ['add', () => cache.add('k', cyclic(), 60, tagged)],
        ['setMany', () => cache.setMany({ good: 1, k: cyclic() }, 60, tagged)],
      ] as const;
      expect(await callsNotRejecting(calls, CacheSerializationError)).toEqual([]);
      expect(await cache.has('k')).toBe(false);
      await h.expectNothingStored(target);
    });
  });

  if (h.codec === 'json' && h.stores) {
    describe('json codec specifics', () => {
      it('stores Dates as ISO strings', async () => {
        const { cache } = await h.open();
        const date = new Date('2024-02-29T12:34:56.789Z');
        await cache.set('k', { at: date });
        expect(await cache.get('k')).toEqual({ at: '2024-02-29T12:34:56.789Z' });
      });
    });
  }

  if (h.codec === 'msgpack' && h.stores) {
    describe('msgpack codec specifics', () => {
      it.each(JSON_ONLY_UNENCODABLE)('round-trips %s', async (_, make) => {
        const { cache } = await h.open();
        await cache.set('k', { value: make() });
        expect(await cache.get('k')).toEqual({ value: make() });
      });

      it('round-trips Dates and BigInts beyond 64 bits', async () => {
        const { cache } = await h.open();
        const value = { at: new Date('2024-02-29T12:34:56.789Z'), big: 2n ** 100n, small: -3n };
        await cache.set('k', value);
        expect(await cache.get('k')).toStrictEqual(value);
      });
    });
  }

  describe('bad TTLs', () => {
    it.each(BAD_TTLS)('%p throws CacheTtlError from every call taking a TTL, changing nothing', async (ttl) => {
      const target = await h.open();
      const { cache } = target;
      const seconds = ttl as number;
      const calls = [
        ['set', () => cache.set('new', 'v', seconds)],
        ['add', () => cache.add('new', 'v', seconds)],
        ['setMany', () => cache.setMany({ new: 'v' }, seconds)],
        ['getOrSet', () => cache.getOrSet('new', () => 'v', { ttl: seconds })],
        ['set over an existing key', () => cache.set('existing', 'replaced', seconds)],
        ['touch', () => cache.touch('existing', seconds)],
        ['expire', () => cache.expire('existing', seconds)],
      ] as const;
      expect(await callsNotRejecting(calls, CacheTtlError)).toEqual([]);
      await h.expectNothingStored(target);
      if (!h.stores) return;
      await cache.set('existing', 'kept', 60);
      expect(await callsNotRejecting(calls.slice(4), CacheTtlError)).toEqual([]);
      expect(await cache.get('existing')).toBe('kept');
      expect(await cache.ttl('existing')).toBeGreaterThanOrEqual(59);
      expect(await cache.has('new')).toBe(false);
    });
  });
}
