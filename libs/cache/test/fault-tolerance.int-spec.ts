import { jest } from '@jest/globals';
import { CacheUnavailableError, createCache, type CacheService } from '@stash/cache';
import { Redis } from 'ioredis';
import { freePort, waitFor } from '../../../test/support/redis-server.js';
import { redisServerPerTest } from './support/redis-server-per-test.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';

const COMMAND_TIMEOUT_MS = 200;
// A call may pay one command timeout, plus scheduling slack on a busy two-core machine.
const BOUND_MS = COMMAND_TIMEOUT_MS + 250;
const silentLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };

async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await call();
  return { result, ms: performance.now() - started };
}

describe('CacheService under Redis faults', () => {
  const redis = redisServerPerTest();
  const rejections = watchUnhandledRejections();

  function cacheOn(url: string, options: Parameters<typeof createCache>[0] = {}): CacheService {
    const cache = createCache(
      { url, keyPrefix: uniquePrefix('fault'), commandTimeout: COMMAND_TIMEOUT_MS, ...options },
      silentLogger,
    );
    redis.track(cache);
    return cache;
  }

  afterAll(() => {
    rejections.expectNone();
  });

  describe('when Redis is killed (SIGKILL) and failOpen is on', () => {
    it('answers every operation as a miss or a skipped write, within the command timeout', async () => {
      const cache = cacheOn(redis.server.url, { breaker: { threshold: 1000 } });
      await cache.ready();
      await cache.set('kept', 'value');
      await redis.server.signal('SIGKILL');

      const calls: Array<[string, () => Promise<unknown>, unknown]> = [
        ['get', () => cache.get('kept', 'fallback'), 'fallback'],
        ['getMany', () => cache.getMany(['kept']), new Map()],
        ['has', () => cache.has('kept'), false],
        ['set', () => cache.set('other', 1), undefined],
        ['add', () => cache.add('other', 1), false],
        ['delete', () => cache.delete('kept'), false],
        ['touch', () => cache.touch('kept', 10), false],
        ['ttl', () => cache.ttl('kept'), 0],
        ['setMany', () => cache.setMany({ a: 1, b: 2 }), ['a', 'b']],
        ['getOrSet', () => cache.getOrSet('computed', () => 'loaded'), 'loaded'],
        ['clear', () => cache.clear(), 0],
      ];
      for (const [name, call, expected] of calls) {
        const { result, ms } = await timed(call);
        expect({ name, result }).toEqual({ name, result: expected });
        expect(ms).toBeLessThan(BOUND_MS);
      }
      expect(cache.stats().errors).toBeGreaterThanOrEqual(calls.length);
    });

    it('opens the breaker after the threshold, so later calls do not touch Redis at all', async () => {
      const cache = cacheOn(redis.server.url, { breaker: { threshold: 3, cooldownMs: 60_000 } });
      await cache.ready();
      await redis.server.signal('SIGSTOP');
      for (let i = 0; i < 3; i++) await cache.get('k');
      expect(cache.stats().breaker).toBe('open');

      // Against the stalled server, one call that reached it would take a whole command timeout: a hundred calls
      // finishing together in less prove that none did.
      const { ms } = await timed(async () => {
        for (let i = 0; i < 100; i++) await cache.get('k');
      });
      expect(ms).toBeLessThan(COMMAND_TIMEOUT_MS);
      expect(cache.stats().errors).toBeGreaterThanOrEqual(103);
    });

    it('logs the first fault of a streak once, then only counts', async () => {
      const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };
      const cache = createCache(
        { url: redis.server.url, keyPrefix: uniquePrefix('log'), commandTimeout: COMMAND_TIMEOUT_MS },
        logger,
      );
      redis.track(cache);
      await cache.ready();
      await redis.server.signal('SIGKILL');
      for (let i = 0; i < 20; i++) await cache.get('k');
      const faultLines = logger.warn.mock.calls.filter(([line]) => String(line).includes('unavailable during'));
      expect(faultLines).toHaveLength(1);
      expect(String(faultLines[0]?.[0])).toContain('failing open');
    });
  });

  describe('when Redis is stalled (SIGSTOP)', () => {
    it('fails open within the command timeout, and recovers after SIGCONT', async () => {
      const cache = cacheOn(redis.server.url, { breaker: { threshold: 2, cooldownMs: 100 } });
      await cache.ready();
      await cache.set('k', 'before');
      await redis.server.signal('SIGSTOP');

      const { result, ms } = await timed(() => cache.get('k', 'fallback'));
      expect(result).toBe('fallback');
      expect(ms).toBeLessThan(BOUND_MS);
      const write = await timed(() => cache.set('k', 'during'));
      expect(write.ms).toBeLessThan(BOUND_MS);

      await redis.server.signal('SIGCONT');
      await waitFor(async () => (await cache.get('k')) !== undefined, 5_000, 'the cache did not recover after SIGCONT');
      expect(cache.stats().breaker).toBe('closed');
    });
  });

  describe('setMany when Redis is unavailable', () => {
    it.each<[string, NodeJS.Signals]>([
      ['stalled (SIGSTOP)', 'SIGSTOP'],
      ['killed (SIGKILL)', 'SIGKILL'],
    ])('counts and logs the fault and opens the breaker when Redis is %s', async (_, signal) => {
      const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };
      const cache = createCache(
        {
          url: redis.server.url,
          keyPrefix: uniquePrefix('set-many'),
          commandTimeout: COMMAND_TIMEOUT_MS,
          breaker: { threshold: 1, cooldownMs: 60_000 },
        },
        logger,
      );
      redis.track(cache);
      await cache.ready();
      await redis.server.signal(signal);
      // The pipeline resolves with one error per command rather than rejecting: those errors must still count.
      const { result, ms } = await timed(() => cache.setMany({ a: 1, b: 2 }));
      expect(result).toEqual(['a', 'b']);
      expect(ms).toBeLessThan(BOUND_MS);
      expect(cache.stats()).toMatchObject({ errors: 1, breaker: 'open' });
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('unavailable during setMany'));
    });
  });

  describe('when Redis restarts', () => {
    it('recovers by itself: writes and reads round-trip again within a few seconds', async () => {
      const cache = cacheOn(redis.server.url);
      await cache.ready();
      await redis.server.signal('SIGKILL');
      expect(await cache.get('k')).toBeUndefined();

      await redis.server.start();
      const started = Date.now();
      await waitFor(
        async () => {
          await cache.set('k', 'after restart');
          return (await cache.get('k')) === 'after restart';
        },
        8_000,
        'the cache did not recover after the restart',
      );
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(cache.stats().breaker).toBe('closed');
    });
  });

  describe('with failOpen: false', () => {
    it('throws CacheUnavailableError for the same faults, within the command timeout', async () => {
      const cache = cacheOn(redis.server.url, { failOpen: false, breaker: { threshold: 1000 } });
      await cache.ready();
      await redis.server.signal('SIGKILL');
      for (const call of [() => cache.get('k'), () => cache.set('k', 1), () => cache.getOrSet('k', () => 1)]) {
        const started = performance.now();
        await expect(call()).rejects.toBeInstanceOf(CacheUnavailableError);
        expect(performance.now() - started).toBeLessThan(BOUND_MS);
      }
    });
  });

  describe('operations that never fail open', () => {
    it('throw CacheUnavailableError for incr, incrVersion, lock, invalidateTags and iterKeys', async () => {
      const cache = cacheOn(redis.server.url, { breaker: { threshold: 1000 } });
      await cache.ready();
      await cache.set('n', 1);
      await redis.server.signal('SIGKILL');
      const strict = [
        () => cache.incr('n'),
        () => cache.incrVersion('n'),
        () => cache.lock('l', { blockingTimeout: 0 }),
        () => cache.invalidateTags(['t']),
        async () => {
          for await (const key of cache.iterKeys('*')) void key;
        },
      ];
      for (const call of strict) await expect(call()).rejects.toBeInstanceOf(CacheUnavailableError);
    });
  });

  describe('reply errors', () => {
    it('are not connectivity faults: WRONGTYPE still throws with failOpen on', async () => {
      const cache = cacheOn(redis.server.url, { keyPrefix: uniquePrefix('wrongtype') });
      await cache.ready();
      const raw = new Redis(redis.server.url);
      await cache.set('list', 1);
      const [, [key]] = await raw.scan('0', 'MATCH', '*:1:list', 'COUNT', 1000);
      await raw.del(key!);
      await raw.rpush(key!, 'a');
      await expect(cache.incr('list')).rejects.toThrow(/WRONGTYPE/);
      expect(cache.stats().errors).toBe(0);
      await raw.quit();
    });
  });

  describe('when Redis is unreachable at startup', () => {
    it('works (fails open) and ready() resolves false within its timeout', async () => {
      const cache = cacheOn(`redis://127.0.0.1:${await freePort()}`);
      const { result: ready, ms } = await timed(() => cache.ready(300));
      expect(ready).toBe(false);
      expect(ms).toBeLessThan(600);
      expect(await cache.getOrSet('k', () => 'loaded')).toBe('loaded');
      await cache.set('k', 'v');
      expect(await cache.get('k', 'fallback')).toBe('fallback');
    });
  });
});
