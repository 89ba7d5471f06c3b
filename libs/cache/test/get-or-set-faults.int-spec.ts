import { jest } from '@jest/globals';
import { CacheUnavailableError, createCache, type CacheService } from '@stash/cache';
import { Redis } from 'ioredis';
import { waitFor } from '../../../test/support/redis-server.js';
import { redisServerPerTest } from './support/redis-server-per-test.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';

const COMMAND_TIMEOUT_MS = 400;
const LOADER_MS = 50;
// One command timeout, the loader, and scheduling slack on a busy two-core machine: below two timeouts, so a call
// that sent a second command into the stall cannot pass.
const BOUND_MS = COMMAND_TIMEOUT_MS + 300 + LOADER_MS;
const silentLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };

async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await call();
  return { result, ms: performance.now() - started };
}

/** A loader that takes `LOADER_MS` of work and counts its runs. */
function slowLoader(value: string): { load: () => Promise<string>; runs: () => number } {
  let runs = 0;
  return {
    load: async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, LOADER_MS));
      return value;
    },
    runs: () => runs,
  };
}

describe('CacheService.getOrSet when Redis stalls (SIGSTOP)', () => {
  const redis = redisServerPerTest();
  const rejections = watchUnhandledRejections();

  /** A cache whose breaker never opens here, so that every call meets the stall itself. */
  async function stalledCache(prefix = uniquePrefix('gos-fault')): Promise<CacheService> {
    const cache = createCache(
      { url: redis.server.url, keyPrefix: prefix, commandTimeout: COMMAND_TIMEOUT_MS, breaker: { threshold: 1000 } },
      silentLogger,
    );
    redis.track(cache);
    await cache.ready();
    // Loads the Lua scripts on the server, so that commands sent during the stall are the ones counted here.
    await cache.getOrSet('warm', () => 'warm', { tags: ['warm'] });
    return cache;
  }

  afterAll(() => {
    rejections.expectNone();
  });

  describe('on a miss', () => {
    it.each<[string, { tags?: string[]; staleWhileRevalidate?: number; grace?: number }]>([
      ['untagged', {}],
      ['tagged', { tags: ['recipes', 'recipe:1'] }],
      ['with stale-while-revalidate and grace', { tags: ['recipes'], staleWhileRevalidate: 30, grace: 30 }],
    ])(
      'costs one command timeout plus the loader, runs the loader once per call and sends nothing after the fault (%s)',
      async (_, options) => {
        const cache = await stalledCache();
        await redis.server.signal('SIGSTOP');
        for (let call = 1; call <= 3; call++) {
          const loader = slowLoader(`value ${call}`);
          const errorsBefore = cache.stats().errors;
          const { result, ms } = await timed(() => cache.getOrSet(`k${call}`, loader.load, options));
          expect(result).toBe(`value ${call}`);
          expect(loader.runs()).toBe(1);
          expect(ms).toBeLessThan(BOUND_MS);
          // One command went into the stall (the read); tag tokens, fill lock and write were never sent.
          expect(cache.stats().errors - errorsBefore).toBe(1);
        }
      },
    );

    it('bounds the callers that join the flight the same way: one loader run, one fault', async () => {
      const cache = await stalledCache();
      await redis.server.signal('SIGSTOP');
      const loader = slowLoader('shared');
      const started = performance.now();
      const calls = Array.from({ length: 20 }, () =>
        cache
          .getOrSet('k', loader.load, { tags: ['recipes'] })
          .then((value) => ({ value, ms: performance.now() - started })),
      );
      const results = await Promise.all(calls);

      expect(results.map((result) => result.value)).toEqual(Array(20).fill('shared'));
      expect(Math.max(...results.map((result) => result.ms))).toBeLessThan(BOUND_MS);
      expect(loader.runs()).toBe(1);
      expect(cache.stats().errors).toBe(1);
    });

    it('gives joiners the value of a flight that went without Redis, unless a tag of it was invalidated meanwhile', async () => {
      const cache = await stalledCache();
      await redis.server.signal('SIGSTOP');
      // Queued (Redis is stalled) before the flights start: it cannot have superseded what they load.
      await cache.invalidateTags(['before'], { retry: true });
      const before = { flight: slowLoader('flight'), joiner: slowLoader('joiner') };
      const during = { flight: slowLoader('flight'), joiner: slowLoader('joiner') };
      const started = performance.now();
      const values = Promise.all([
        cache.getOrSet('a', before.flight.load, { tags: ['before'] }),
        cache.getOrSet('a', before.joiner.load, { tags: ['before'] }),
        cache.getOrSet('b', during.flight.load, { tags: ['during'] }),
        cache.getOrSet('b', during.joiner.load, { tags: ['during'] }),
      ]);
      // Sent after the flights' reads, so it is queued when its own timeout fires, before they have loaded.
      await cache.invalidateTags(['during'], { retry: true });

      expect(await values).toEqual(['flight', 'flight', 'flight', 'joiner']);
      expect(performance.now() - started).toBeLessThan(BOUND_MS + LOADER_MS);
      expect([before.flight.runs(), before.joiner.runs()]).toEqual([1, 0]);
      // The joiner may not take a value loaded while its tag was being invalidated: it loads its own, without Redis.
      expect([during.flight.runs(), during.joiner.runs()]).toEqual([1, 1]);
      expect(cache.stats().invalidationsPending).toBe(2);
    });

    // Found by the invalidation race fuzzer (scenario 4): Redis came back while the flight was loading, so the
    // invalidation landed instead of being queued, and the joiner used to be served the flight's old value.
    it('does not give a joiner the value of a flight that went without Redis when this process invalidated one of its tags after the flight started, even once the DEL landed', async () => {
      const cache = await stalledCache();
      await redis.server.signal('SIGSTOP');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let flightRuns = 0;
      const flight = cache.getOrSet(
        'k',
        async () => {
          flightRuns++;
          await gate;
          return 'old';
        },
        { tags: ['recipes'] },
      );
      // The flight's read times out: it loads without Redis, and holds its (old) rows at the gate.
      await waitFor(() => flightRuns === 1, 5_000, 'the flight did not start its loader');
      await redis.server.signal('SIGCONT');
      // A write commits and invalidates the tag; Redis answers again, so the DEL lands and nothing is pending.
      const queuedBefore = cache.stats().invalidationsQueued;
      await cache.invalidateTags(['recipes'], { retry: true });
      expect(cache.stats()).toMatchObject({ invalidationsQueued: queuedBefore, invalidationsPending: 0 });

      const joiner = cache.getOrSet('k', () => 'new', { tags: ['recipes'] });
      release();

      expect(await flight).toBe('old');
      expect(await joiner).toBe('new');
    });

    it('with failOpen: false, rejects after one command timeout without running the loader', async () => {
      const cache = createCache(
        {
          url: redis.server.url,
          keyPrefix: uniquePrefix('gos-strict'),
          commandTimeout: COMMAND_TIMEOUT_MS,
          failOpen: false,
        },
        silentLogger,
      );
      redis.track(cache);
      await cache.ready();
      await redis.server.signal('SIGSTOP');
      const loader = slowLoader('never');
      const started = performance.now();
      await expect(cache.getOrSet('k', loader.load, { tags: ['recipes'] })).rejects.toBeInstanceOf(
        CacheUnavailableError,
      );
      expect(performance.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS + 300);
      expect(loader.runs()).toBe(0);
      expect(cache.stats().errors).toBe(1);
    });
  });

  describe('when Redis stalls while the loader runs', () => {
    it('returns after the write times out, spares joiners the tag re-check, and still releases the fill lock', async () => {
      const prefix = uniquePrefix('gos-write');
      const cache = await stalledCache(prefix);
      let runs = 0;
      let loaderMs = 0;
      const load = async () => {
        runs++;
        const started = performance.now();
        await redis.server.signal('SIGSTOP');
        loaderMs = performance.now() - started;
        return 'loaded';
      };
      const started = performance.now();
      const first = cache.getOrSet('k', load, { tags: ['recipes'] });
      // They join the flight the first call started (registered synchronously), and wait for its value.
      const joiners = Array.from({ length: 10 }, () => cache.getOrSet('k', () => 'joiner', { tags: ['recipes'] }));
      const values = await Promise.all([first, ...joiners]);
      const ms = performance.now() - started;

      expect(values).toEqual(Array(11).fill('loaded'));
      expect(runs).toBe(1);
      expect(ms).toBeLessThan(loaderMs + COMMAND_TIMEOUT_MS + 300);
      // The write faulted; joiners did not send a tag check into the stall, and the lock release is not waited for.
      expect(cache.stats().errors).toBe(1);

      await redis.server.signal('SIGCONT');
      const raw = new Redis(redis.server.url);
      try {
        // The stalled commands run in order once the server resumes: the stored value, then the release.
        await waitFor(
          async () => (await raw.exists(`${prefix}:1:k`)) === 1 && (await raw.exists(`${prefix}:~fill:1:k`)) === 0,
          3_000,
          'the value and the release of the fill lock never landed',
        );
      } finally {
        await raw.quit();
      }
    });
  });
});
