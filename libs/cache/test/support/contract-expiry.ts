import { CacheArgumentError } from '@stash/cache';
import { callsNotRejecting, waitUntil, type ContractHarness, type OpenCache } from './contract-harness.js';

/** Asserts the remaining TTL in whole seconds, rounded up as `ttl()` reports it. */
async function expectTtlAbout({ cache }: OpenCache, key: string, seconds: number): Promise<void> {
  const ttl = await cache.ttl(key);
  expect(ttl).not.toBeNull();
  expect(ttl).toBeGreaterThanOrEqual(seconds - 1);
  expect(ttl).toBeLessThanOrEqual(seconds);
}

/** TTLs: expiry, defaultTtl, ttl 0, ttl(), expire(), persist() and touch(). */
export function describeExpiry(h: ContractHarness): void {
  describe('expiry', () => {
    // TTLs leave room for a loaded CI machine between the writes and the reads that must still find them.
    it('expires values after their TTL, whole and fractional seconds alike', async () => {
      const { cache } = await h.open();
      const started = Date.now();
      await cache.set('two-seconds', 'a', 2);
      await cache.set('half', 'b', 0.5);
      expect(await cache.getMany(['two-seconds', 'half'])).toEqual(
        new Map([
          ['two-seconds', 'a'],
          ['half', 'b'],
        ]),
      );
      await waitUntil(async () => !(await cache.has('half')));
      expect(Date.now() - started).toBeGreaterThanOrEqual(490);
      expect(await cache.get('two-seconds')).toBe('a');
      await waitUntil(async () => (await cache.get('two-seconds')) === undefined);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_990);
      expect(await cache.ttl('two-seconds')).toBe(0);
    });

    it('applies defaultTtl when a call gives no TTL', async () => {
      const target = await h.open({ defaultTtl: 120 });
      await target.cache.set('set', 1);
      await target.cache.add('add', 1);
      await target.cache.setMany({ many: 1 });
      await target.cache.getOrSet('loaded', () => 1);
      for (const key of ['set', 'add', 'many', 'loaded']) await expectTtlAbout(target, key, 120);
    });

    it('with defaultTtl null never expires values stored without a TTL', async () => {
      const target = await h.open({ defaultTtl: null });
      const { cache } = target;
      await cache.set('set', 1);
      await cache.add('add', 1);
      await cache.setMany({ many: 1 });
      await cache.set('timed', 1, 50);
      expect(await Promise.all(['set', 'add', 'many'].map((key) => cache.ttl(key)))).toEqual([null, null, null]);
      expect(await cache.touch('timed')).toBe(true);
      expect(await cache.ttl('timed')).toBeNull();
    });

    it('with defaultTtl 0 stores nothing unless a call gives a TTL', async () => {
      const target = await h.open({ defaultTtl: 0 });
      const { cache } = target;
      await cache.set('set', 1);
      expect(await cache.add('add', 1)).toBe(true);
      expect(await cache.setMany({ many: 1 })).toEqual([]);
      expect(await cache.getOrSet('loaded', () => 1)).toBe(1);
      await h.expectNothingStored(target);
      await cache.set('explicit', 'v', 30);
      expect(await cache.get('explicit')).toBe('v');
    });

    it('set with ttl null never expires, whatever the default', async () => {
      const { cache } = await h.open({ defaultTtl: 5 });
      await cache.set('k', 'v', null);
      expect(await cache.ttl('k')).toBeNull();
    });

    it('set with ttl 0 deletes what was stored', async () => {
      const { cache } = await h.open();
      await cache.set('k', 'old');
      await cache.set('k', 'new', 0);
      expect(await cache.has('k')).toBe(false);
      expect(await cache.get('k', 'fallback')).toBe('fallback');
    });
  });

  describe('ttl, expire and persist', () => {
    it('ttl is the remaining seconds rounded up, null for never, 0 for a missing key', async () => {
      const target = await h.open();
      const { cache } = target;
      await cache.set('long', 1, 100);
      await cache.set('short', 1, 0.5);
      await cache.set('forever', 1, null);
      await expectTtlAbout(target, 'long', 100);
      expect(await cache.ttl('short')).toBe(1);
      expect(await cache.ttl('forever')).toBeNull();
      expect(await cache.ttl('missing')).toBe(0);
    });

    it('expire sets a new TTL on an existing key only', async () => {
      const target = await h.open();
      const { cache } = target;
      await cache.set('k', 'v', null);
      expect(await cache.expire('k', 60)).toBe(true);
      await expectTtlAbout(target, 'k', 60);
      expect(await cache.expire('k', null)).toBe(true);
      expect(await cache.ttl('k')).toBeNull();
      expect(await cache.expire('missing', 60)).toBe(false);
      expect(await cache.has('missing')).toBe(false);
      expect(await cache.expire('k', 0)).toBe(true);
      expect(await cache.has('k')).toBe(false);
    });

    it('expire without a TTL rejects with CacheArgumentError', async () => {
      const { cache } = await h.open();
      await cache.set('k', 'v', 60);
      const calls = [['expire(undefined)', () => cache.expire('k', undefined as unknown as null)]] as const;
      expect(await callsNotRejecting(calls, CacheArgumentError)).toEqual([]);
      expect(await cache.ttl('k')).toBeGreaterThanOrEqual(59);
    });

    it('persist removes a TTL and reports whether there was one', async () => {
      const { cache } = await h.open();
      await cache.set('k', 'v', 60);
      expect(await cache.persist('k')).toBe(true);
      expect(await cache.ttl('k')).toBeNull();
      expect(await cache.persist('k')).toBe(false);
      expect(await cache.persist('missing')).toBe(false);
      expect(await cache.get('k')).toBe('v');
    });
  });

  describe('ttl, touch, expire and persist on an entry kept for grace or stale-while-revalidate', () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const failing = () => Promise.reject(new Error('database down'));

    it('ttl reports the fresh lifetime left, not the stale tail', async () => {
      const target = await h.open();
      await target.cache.getOrSet('grace', () => 'v', { ttl: 100, grace: 3600 });
      await target.cache.getOrSet('swr', () => 'v', { ttl: 50, staleWhileRevalidate: 3600 });
      await expectTtlAbout(target, 'grace', 100);
      await expectTtlAbout(target, 'swr', 50);
    });

    it('touch, expire and persist move the fresh time with the TTL', async () => {
      const target = await h.open();
      const { cache } = target;
      const options = { ttl: 0.3, grace: 60 };
      await Promise.all(['touched', 'expired', 'persisted'].map((key) => cache.getOrSet(key, () => key, options)));
      expect(await cache.touch('touched', 3600)).toBe(true);
      expect(await cache.expire('expired', null)).toBe(true);
      expect(await cache.persist('persisted')).toBe(true);
      // Past the original fresh time (0.3 s): the entries are still fresh, with the lifetime they were given.
      await sleep(400);
      expect(await cache.getMany(['touched', 'expired', 'persisted'])).toEqual(
        new Map([
          ['touched', 'touched'],
          ['expired', 'expired'],
          ['persisted', 'persisted'],
        ]),
      );
      await expectTtlAbout(target, 'touched', 3600);
      expect(await cache.ttl('expired')).toBeNull();
      expect(await cache.ttl('persisted')).toBeNull();
      expect(await cache.persist('persisted')).toBe(false);
    });

    it('touch keeps the stale tail after the new fresh lifetime, so grace still applies', async () => {
      const { cache } = await h.open();
      const options = { ttl: 60, grace: 60 };
      await cache.getOrSet('k', () => 'old', options);
      expect(await cache.touch('k', 0.2)).toBe(true);
      await waitUntil(async () => !(await cache.has('k')));
      expect(await cache.getOrSet('k', failing, options)).toBe('old');
    });

    it('touch, expire, persist and ttl treat an entry past its fresh time as missing, and leave it for grace', async () => {
      const { cache } = await h.open();
      const options = { ttl: 0.2, grace: 60 };
      await cache.getOrSet('k', () => 'old', options);
      await waitUntil(async () => !(await cache.has('k')));
      expect(await cache.touch('k', 60)).toBe(false);
      expect(await cache.expire('k', null)).toBe(false);
      expect(await cache.persist('k')).toBe(false);
      expect(await cache.ttl('k')).toBe(0);
      expect(await cache.get('k')).toBeUndefined();
      expect(await cache.getOrSet('k', failing, options)).toBe('old');
    });
  });

  describe('touch', () => {
    it('gives an existing key a new TTL, visible through ttl()', async () => {
      const target = await h.open({ defaultTtl: 300 });
      const { cache } = target;
      await cache.set('k', 'v', 0.3);
      expect(await cache.touch('k', 100)).toBe(true);
      await expectTtlAbout(target, 'k', 100);
      expect(await cache.touch('k', null)).toBe(true);
      expect(await cache.ttl('k')).toBeNull();
      expect(await cache.touch('k')).toBe(true);
      await expectTtlAbout(target, 'k', 300);
      expect(await cache.get('k')).toBe('v');
    });

    it('returns false for a missing key and does not create it', async () => {
      const target = await h.open();
      expect(await target.cache.touch('missing', 60)).toBe(false);
      await h.expectNothingStored(target);
    });

    it('with ttl 0 deletes the key', async () => {
      const { cache } = await h.open();
      await cache.set('k', 'v');
      expect(await cache.touch('k', 0)).toBe(true);
      expect(await cache.has('k')).toBe(false);
    });
  });
}
