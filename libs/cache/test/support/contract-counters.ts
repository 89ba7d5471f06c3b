import { CacheArgumentError, CacheKeyMissingError, CacheValueError } from '@stash/cache';
import { callsNotRejecting, type ContractHarness } from './contract-harness.js';

const NOT_INTEGERS: ReadonlyArray<readonly [string, unknown]> = [
  ['a float', 1.5],
  ['a string', 'abc'],
  ['a string of digits', '12'],
  ['an object', { n: 1 }],
  ['true', true],
  ['null', null],
  ['an unsafe integer', 2 ** 60],
];

const BAD_DELTAS: readonly unknown[] = [1.5, Number.NaN, Infinity, -Infinity, 2 ** 53, '1', null];

/** incr, decr, incrVersion and decrVersion. */
export function describeCounters(h: ContractHarness): void {
  describe('incr and decr', () => {
    it('add and subtract deltas, and the result reads back as a number', async () => {
      const { cache } = await h.open();
      await cache.set('n', 10);
      expect(await cache.incr('n')).toBe(11);
      expect(await cache.incr('n', 5)).toBe(16);
      expect(await cache.decr('n')).toBe(15);
      expect(await cache.decr('n', 20)).toBe(-5);
      expect(await cache.incr('n', -1)).toBe(-6);
      expect(await cache.get('n')).toBe(-6);
    });

    it('keep the key TTL (or its absence)', async () => {
      const { cache } = await h.open();
      await cache.set('timed', 1, 60);
      await cache.set('forever', 1, null);
      await cache.incr('timed');
      await cache.incr('forever');
      expect(await cache.ttl('timed')).toBeGreaterThanOrEqual(59);
      expect(await cache.ttl('forever')).toBeNull();
    });

    it('are atomic: 100 concurrent increments and 30 decrements give the exact total', async () => {
      const { cache } = await h.open();
      await cache.set('n', 0);
      await Promise.all([
        ...Array.from({ length: 100 }, () => cache.incr('n')),
        ...Array.from({ length: 30 }, () => cache.decr('n', 2)),
      ]);
      expect(await cache.get('n')).toBe(40);
    });

    it('throw CacheKeyMissingError on a missing key, and do not create it', async () => {
      const target = await h.open();
      await expect(target.cache.incr('missing')).rejects.toBeInstanceOf(CacheKeyMissingError);
      await expect(target.cache.decr('missing', 3)).rejects.toBeInstanceOf(CacheKeyMissingError);
      await h.expectNothingStored(target);
    });

    it.each(NOT_INTEGERS)('throw CacheValueError on %s and leave it unchanged', async (_, value) => {
      const { cache } = await h.open();
      await cache.set('k', value);
      await expect(cache.incr('k')).rejects.toBeInstanceOf(CacheValueError);
      await expect(cache.decr('k')).rejects.toBeInstanceOf(CacheValueError);
      expect(await cache.get('k')).toStrictEqual(value);
    });

    it('throw CacheValueError when the result leaves the safe integer range, and leave the value', async () => {
      const { cache } = await h.open();
      await cache.set('top', Number.MAX_SAFE_INTEGER);
      await cache.set('bottom', Number.MIN_SAFE_INTEGER);
      await expect(cache.incr('top')).rejects.toBeInstanceOf(CacheValueError);
      await expect(cache.decr('bottom')).rejects.toBeInstanceOf(CacheValueError);
      expect(await cache.get('top')).toBe(Number.MAX_SAFE_INTEGER);
      expect(await cache.get('bottom')).toBe(Number.MIN_SAFE_INTEGER);
      expect(await cache.decr('top')).toBe(Number.MAX_SAFE_INTEGER - 1);
    });

    it('reject a delta that is not a safe integer with CacheArgumentError, changing nothing', async () => {
      const { cache } = await h.open();
      await cache.set('n', 7);
      const calls = BAD_DELTAS.flatMap((delta) => [
        [`incr(${String(delta)})`, () => cache.incr('n', delta as number)] as const,
        [`decr(${String(delta)})`, () => cache.decr('n', delta as number)] as const,
      ]);
      expect(await callsNotRejecting(calls, CacheArgumentError)).toEqual([]);
      expect(await cache.get('n')).toBe(7);
    });
  });

  describe('incrVersion and decrVersion', () => {
    it('move the value to the next version, where the old version misses', async () => {
      const { cache } = await h.open();
      await cache.set('k', { v: 1 });
      const next = await cache.incrVersion('k');
      expect(next).toBe(h.version + 1);
      expect(await cache.get('k')).toBeUndefined();
      expect(await cache.get('k', undefined, { version: next })).toEqual({ v: 1 });
      expect(await cache.decrVersion('k', 1, { version: next })).toBe(h.version);
      expect(await cache.get('k')).toEqual({ v: 1 });
      expect(await cache.has('k', { version: next })).toBe(false);
      expect(await cache.incrVersion('k', 3)).toBe(h.version + 3);
      expect(await cache.get('k', undefined, { version: h.version + 3 })).toEqual({ v: 1 });
    });

    it('keep the TTL, or its absence', async () => {
      const { cache } = await h.open();
      await cache.set('timed', 'a', 60);
      await cache.set('forever', 'b', null);
      const version = await cache.incrVersion('timed');
      await cache.incrVersion('forever');
      expect(await cache.ttl('timed', { version })).toBeGreaterThanOrEqual(59);
      expect(await cache.ttl('timed', { version })).toBeLessThanOrEqual(60);
      expect(await cache.ttl('forever', { version })).toBeNull();
    });

    it('throw CacheKeyMissingError on a missing key, and write nothing', async () => {
      const target = await h.open();
      await expect(target.cache.incrVersion('missing')).rejects.toBeInstanceOf(CacheKeyMissingError);
      await expect(target.cache.decrVersion('missing')).rejects.toBeInstanceOf(CacheKeyMissingError);
      await h.expectNothingStored(target);
    });

    it('reject a delta that is not a safe integer with CacheArgumentError, moving nothing', async () => {
      const { cache } = await h.open();
      await cache.set('k', 'v');
      const calls = BAD_DELTAS.flatMap((delta) => [
        [`incrVersion(${String(delta)})`, () => cache.incrVersion('k', delta as number)] as const,
        [`decrVersion(${String(delta)})`, () => cache.decrVersion('k', delta as number)] as const,
      ]);
      expect(await callsNotRejecting(calls, CacheArgumentError)).toEqual([]);
      expect(await cache.get('k')).toBe('v');
    });
  });
}
