import { jest } from '@jest/globals';
import { CacheSerializationError, LoaderTimeoutError, createCache, type CacheService } from '@stash/cache';
import { waitFor } from '../../../test/support/redis-server.js';
import { FaultProxy } from '../../../test/tools/fault-proxy.js';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';

const silentLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

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

  describe('across processes (caches on separate connections)', () => {
    it('re-reads the entry after taking the fill lock: a value stored after our miss is not loaded again', async () => {
      const prefix = uniquePrefix('reread');
      const redis = new URL(testRedisUrl());
      // `late` talks to Redis through a proxy that delays every chunk by 150 ms, so each of its round trips (the
      // miss, the tag tokens, the fill lock, the re-read) takes 300 ms or more; the other process writes
      // directly, right after the miss, and its SET lands long before the re-read that follows the lock.
      const proxy = await FaultProxy.start({
        target: { host: redis.hostname, port: Number(redis.port) },
        mode: { mode: 'delay', ms: 150 },
      });
      try {
        const late = await cache(prefix, { url: proxy.url(testRedisUrl()), commandTimeout: 5_000 });
        const other = await cache(prefix);
        const { loader, state } = countingLoader(() => 'loaded', 0);
        const result = late.getOrSet('k', loader, { ttl: 30, tags: ['t'] });
        await waitFor(() => late.stats().misses > 0, 5_000, 'the first read never missed');
        await other.set('k', 'stored by another process', 30);
        expect(await result).toBe('stored by another process');
        expect(state.runs).toBe(0);
        await other.clear();
      } finally {
        // Closed here, before the proxy they talk through; afterEach finds nothing left to close.
        await Promise.all(caches.splice(0).map((c) => c.close()));
        await proxy.close();
      }
    });

    it('when the winner fails, lets one waiter load while the others wait for its value', async () => {
      const prefix = uniquePrefix('winner-fails');
      const winner = await cache(prefix);
      const waiters = await Promise.all(Array.from({ length: 5 }, () => cache(prefix)));
      const locked = deferred();
      const failing = async () => {
        locked.resolve();
        await sleep(100);
        throw new Error('winner failed');
      };
      const first = winner.getOrSet('k', failing, { ttl: 30 }).catch((error: unknown) => error);
      await locked.promise;
      const { loader, state } = countingLoader((run) => `value-${run}`, 150);
      const values = await Promise.all(waiters.map((waiter) => waiter.getOrSet('k', loader, { ttl: 30 })));
      expect(await first).toMatchObject({ message: 'winner failed' });
      expect(state.runs).toBe(1);
      expect(values).toEqual(Array(5).fill('value-1'));
    });

    it('after stampede.lockWait, a waiter loads by itself', async () => {
      const prefix = uniquePrefix('lock-wait');
      const options = { stampede: { lockWait: 0.3, lockTtl: 10 } };
      const [slow, impatient] = [await cache(prefix, options), await cache(prefix, options)];
      const locked = deferred();
      const slowFill = slow.getOrSet('k', async () => {
        locked.resolve();
        await sleep(1_000);
        return 'slow';
      });
      await locked.promise;
      const started = Date.now();
      expect(await impatient.getOrSet('k', () => 'impatient')).toBe('impatient');
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
      expect(Date.now() - started).toBeLessThan(900);
      expect(await slowFill).toBe('slow');
    });

    it('extends the fill lock while a loader runs longer than stampede.lockTtl', async () => {
      const prefix = uniquePrefix('lock-extend');
      const options = { stampede: { lockTtl: 0.3, lockWait: 5 } };
      const [first, second] = [await cache(prefix, options), await cache(prefix, options)];
      const { loader, state } = countingLoader((run) => `value-${run}`, 1_000);
      const filling = first.getOrSet('k', loader, { ttl: 30 });
      await waitFor(() => state.runs === 1, 1_000, 'the loader did not start');
      // Well past the lock's TTL: without extension, the second process would take the lock and load too.
      await sleep(600);
      expect(await second.getOrSet('k', loader, { ttl: 30 })).toBe('value-1');
      expect(await filling).toBe('value-1');
      expect(state.runs).toBe(1);
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

  describe('when the loader resolves undefined', () => {
    it.each([
      ['stored', { ttl: 60 }],
      ['not stored (ttl 0)', { ttl: 0 }],
    ])('throws CacheSerializationError saying to return null instead (%s)', async (_, options) => {
      const stash = await cache(uniquePrefix('undefined'));
      const error = await stash.getOrSet('k', () => undefined, options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CacheSerializationError);
      expect((error as Error).message).toContain(
        "a loader must not resolve undefined (a miss); return null for 'nothing'",
      );
      expect(await stash.has('k')).toBe(false);
      expect(await stash.getOrSet('k', () => null, options)).toBeNull();
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

    it.each([
      ['undefined', undefined],
      ['a string', 'database down'],
      ['null', null],
      ['a plain object', { code: 'E_DOWN' }],
    ])('serves the expired value when the loader rejects with %s, and logs the reason', async (_, reason) => {
      const logger = { ...silentLogger, warn: jest.fn() };
      const stash = createCache({ url: testRedisUrl(), keyPrefix: uniquePrefix('grace-reason') }, logger);
      caches.push(stash);
      await stash.ready();
      await stash.getOrSet('k', () => 'old', { ttl: 0.1, grace: 30 });
      await sleep(150);
      expect(await stash.getOrSet('k', () => Promise.reject(reason), { ttl: 0.1, grace: 30 })).toBe('old');
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('serving the stale value within grace'));
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

  describe('close()', () => {
    it.each([
      ['staleWhileRevalidate', { ttl: 0.1, staleWhileRevalidate: 30 }, 150],
      ['earlyRefresh', { ttl: 30, earlyRefresh: { beta: 1e9 } }, 0],
    ])(
      'aborts the background refresh (%s) of a loader that never settles, and releases the connection',
      async (_, options, staleAfterMs) => {
        const stash = createCache({ url: testRedisUrl(), keyPrefix: uniquePrefix('close') }, silentLogger);
        await stash.ready();
        // XFetch needs a compute time above zero to ever refresh early.
        await stash.getOrSet('k', () => sleep(20).then(() => 'v1'), options);
        await sleep(staleAfterMs);
        let signal: AbortSignal | undefined;
        const hanging = (context: { signal: AbortSignal }) => {
          signal = context.signal;
          return new Promise<string>(() => undefined);
        };
        expect(await stash.getOrSet('k', hanging, options)).toBe('v1');
        await waitFor(() => signal !== undefined, 2_000, 'no background refresh started');
        const started = Date.now();
        const outcome = await Promise.race([stash.close().then(() => 'closed'), sleep(3_000).then(() => 'hung')]);
        expect(outcome).toBe('closed');
        expect(Date.now() - started).toBeLessThan(1_000);
        expect(signal?.aborted).toBe(true);
      },
    );
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
