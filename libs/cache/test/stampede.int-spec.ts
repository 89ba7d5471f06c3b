import { jest } from '@jest/globals';
import { LoaderTimeoutError, createCache, type CacheService } from '@stash/cache';
import { waitFor } from '../../../test/support/redis-server.js';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';

const silentLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };

/** A loader that counts its runs and, optionally, how many ran at the same time. */
function countingLoader<T>(value: (run: number) => T, delayMs = 30) {
  const state = { runs: 0, running: 0, maxConcurrent: 0 };
  const loader = async () => {
    state.runs++;
    state.running++;
    state.maxConcurrent = Math.max(state.maxConcurrent, state.running);
    try {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return value(state.runs);
    } finally {
      state.running--;
    }
  };
  return { loader, state };
}

describe('CacheService.getOrSet stampede protection', () => {
  const caches: CacheService[] = [];

  async function cache(prefix: string, options: Parameters<typeof createCache>[0] = {}): Promise<CacheService> {
    const created = createCache({ url: testRedisUrl(), keyPrefix: prefix, ...options }, silentLogger);
    caches.push(created);
    await created.ready();
    return created;
  }

  afterEach(async () => {
    await Promise.all(caches.map((c) => c.clear()));
    await Promise.all(caches.splice(0).map((c) => c.close()));
  });

  describe('when 200 callers miss at once', () => {
    it('runs the loader once in one process, and every caller gets its value', async () => {
      const stash = await cache(uniquePrefix('single'));
      const { loader, state } = countingLoader(() => ({ computed: true }));
      const values = await Promise.all(Array.from({ length: 200 }, () => stash.getOrSet('cold', loader)));
      expect(state.runs).toBe(1);
      expect(values.every((value) => value.computed === true)).toBe(true);
      expect(await stash.get('cold')).toEqual({ computed: true });
    });

    it('runs the loader once across two caches on separate connections', async () => {
      const prefix = uniquePrefix('cross');
      const [first, second] = [await cache(prefix), await cache(prefix)];
      const { loader, state } = countingLoader((run) => `value-${run}`, 150);
      const values = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? first : second).getOrSet('cold', loader, { ttl: 30 })),
      );
      expect(state.runs).toBe(1);
      expect(new Set(values)).toEqual(new Set(['value-1']));
      expect(first.stats().lockWaits + second.stats().lockWaits).toBeGreaterThanOrEqual(1);
    });
  });

  describe('when the loader throws', () => {
    it('gives every concurrent caller the error, caches nothing, and retries on the next call', async () => {
      const stash = await cache(uniquePrefix('throw'));
      let runs = 0;
      const failing = async () => {
        runs++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('database down');
      };
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => stash.getOrSet('k', failing)));
      expect(results.every((r) => r.status === 'rejected' && /database down/.test(String(r.reason)))).toBe(true);
      expect(runs).toBe(1);
      expect(await stash.has('k')).toBe(false);
      expect(await stash.getOrSet('k', () => 'recovered')).toBe('recovered');
    });
  });

  describe('loaderTimeout', () => {
    it('rejects with LoaderTimeoutError and aborts the loader signal', async () => {
      const stash = await cache(uniquePrefix('timeout'));
      let signal: AbortSignal | undefined;
      const slow = (context: { signal: AbortSignal }) => {
        signal = context.signal;
        return new Promise<string>((resolve) => setTimeout(() => resolve('late'), 500));
      };
      await expect(stash.getOrSet('k', slow, { loaderTimeout: 0.05 })).rejects.toBeInstanceOf(LoaderTimeoutError);
      expect(signal?.aborted).toBe(true);
    });
  });

  describe('grace', () => {
    it('serves the expired value when the loader throws or times out', async () => {
      const stash = await cache(uniquePrefix('grace'));
      await stash.getOrSet('k', () => 'old', { ttl: 0.1, grace: 30 });
      await new Promise((resolve) => setTimeout(resolve, 150));
      const failing = () => Promise.reject(new Error('boom'));
      expect(await stash.getOrSet('k', failing, { ttl: 0.1, grace: 30 })).toBe('old');
      const hanging = () => new Promise<string>(() => undefined);
      expect(await stash.getOrSet('k', hanging, { ttl: 0.1, grace: 30, loaderTimeout: 0.05 })).toBe('old');
      expect(stash.stats().staleServes).toBe(2);
      expect(await stash.get('k')).toBeUndefined();
    });
  });

  describe('staleWhileRevalidate', () => {
    it('serves the stale value at once and refreshes it exactly once in the background', async () => {
      const stash = await cache(uniquePrefix('swr'));
      const { loader, state } = countingLoader((run) => `v${run}`, 50);
      const options = { ttl: 0.2, staleWhileRevalidate: 30 };
      expect(await stash.getOrSet('k', loader, options)).toBe('v1');
      await new Promise((resolve) => setTimeout(resolve, 250));

      const stale = await Promise.all(Array.from({ length: 50 }, () => stash.getOrSet('k', loader, options)));
      expect(new Set(stale)).toEqual(new Set(['v1']));
      await waitFor(async () => (await stash.getOrSet('k', loader, options)) === 'v2', 3_000, 'no refresh');
      expect(state.runs).toBe(2);
      expect(stash.stats().staleServes).toBeGreaterThanOrEqual(1);
    });

    it('is a miss once the window has passed', async () => {
      const stash = await cache(uniquePrefix('swr-late'));
      const { loader, state } = countingLoader((run) => `v${run}`, 5);
      const options = { ttl: 0.1, staleWhileRevalidate: 0.1 };
      await stash.getOrSet('k', loader, options);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await stash.getOrSet('k', loader, options)).toBe('v2');
      expect(state.runs).toBe(2);
    });
  });

  describe('earlyRefresh (XFetch)', () => {
    it('refreshes before expiry in the background, never with two loaders at once', async () => {
      const stash = await cache(uniquePrefix('xfetch'));
      const { loader, state } = countingLoader((run) => `v${run}`, 40);
      const options = { ttl: 1, earlyRefresh: { beta: 50 } };
      expect(await stash.getOrSet('k', loader, options)).toBe('v1');
      const deadline = Date.now() + 900;
      while (Date.now() < deadline && state.runs < 3) {
        await Promise.all(Array.from({ length: 10 }, () => stash.getOrSet('k', loader, options)));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(state.runs).toBeGreaterThanOrEqual(2);
      expect(state.maxConcurrent).toBe(1);
      expect(await stash.has('k')).toBe(true);
    });
  });

  describe('ttl 0', () => {
    it('computes without storing', async () => {
      const stash = await cache(uniquePrefix('ttl0'));
      const { loader, state } = countingLoader(() => 'x', 1);
      expect(await stash.getOrSet('k', loader, { ttl: 0 })).toBe('x');
      expect(await stash.getOrSet('k', loader, { ttl: 0 })).toBe('x');
      expect(state.runs).toBe(2);
      expect(await stash.has('k')).toBe(false);
    });
  });
});
