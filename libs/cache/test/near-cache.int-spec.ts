import { CacheConfigError, createCache, type CacheService } from '@stash/cache';
import { Redis } from 'ioredis';
import { waitFor } from '../../../test/support/redis-server.js';
import { testRedisUrl } from '../../../test/support/test-redis.js';
import { commandCalls, liveNearCache } from './support/near-caches.js';
import { redisServerPerTest } from './support/redis-server-per-test.js';
import { silentLogger } from './support/testing-modules.js';

describe('near cache', () => {
  describe('in its own process', () => {
    let cache: CacheService;
    beforeEach(async () => {
      cache = await liveNearCache(testRedisUrl());
    });
    afterEach(async () => {
      await cache.close();
    });

    it('serves a set value at once, and the newer value after another set', async () => {
      await cache.set('k', { v: 1 });
      expect(await cache.get('k')).toEqual({ v: 1 });
      expect(await cache.get('k')).toEqual({ v: 1 });
      await cache.set('k', { v: 2 });
      expect(await cache.get('k')).toEqual({ v: 2 });
      expect(cache.stats()).toMatchObject({ hits: 3, nearHits: 1, nearMisses: 2 });
    });

    it('misses after delete, deleteMany, clear and deletePattern', async () => {
      const removals: Array<[string, () => Promise<unknown>]> = [
        ['delete', () => cache.delete('k')],
        ['deleteMany', () => cache.deleteMany(['k', 'other'])],
        ['clear', () => cache.clear()],
        ['deletePattern', () => cache.deletePattern('k*')],
      ];
      for (const [name, remove] of removals) {
        await cache.set('k', name);
        await cache.get('k');
        expect(await cache.get('k')).toBe(name);
        await remove();
        expect({ name, value: await cache.get('k') }).toEqual({ name, value: undefined });
        expect(await cache.has('k')).toBe(false);
      }
    });

    it('drops entries of invalidated tags, and keeps the others', async () => {
      await cache.set('a', 'A', 60, { tags: ['red'] });
      await cache.set('b', 'B', 60, { tags: ['blue'] });
      expect(await cache.getMany(['a', 'b'])).toEqual(
        new Map([
          ['a', 'A'],
          ['b', 'B'],
        ]),
      );
      const nearHits = cache.stats().nearHits;
      expect(await cache.getMany(['a', 'b'])).toEqual(
        new Map([
          ['a', 'A'],
          ['b', 'B'],
        ]),
      );
      expect(cache.stats().nearHits).toBe(nearHits + 2);
      await cache.invalidateTags(['red']);
      expect(await cache.get('a')).toBeUndefined();
      expect(await cache.get('b')).toBe('B');
      expect(cache.stats().nearHits).toBe(nearHits + 3);
    });

    it('follows incr, touch to 0, incrVersion and add over a near entry', async () => {
      await cache.set('n', 1);
      expect(await cache.get('n')).toBe(1);
      await cache.incr('n', 5);
      expect(await cache.get('n')).toBe(6);
      await cache.incrVersion('n');
      expect(await cache.get('n')).toBeUndefined();
      expect(await cache.get('n', undefined, { version: 2 })).toBe(6);
      await cache.touch('n', 0, { version: 2 });
      expect(await cache.get('n', undefined, { version: 2 })).toBeUndefined();
    });

    it('hands every caller its own copy of a near value', async () => {
      await cache.set('obj', { list: [1, 2] });
      const first = (await cache.get<{ list: number[] }>('obj'))!;
      first.list.push(3);
      const second = (await cache.get<{ list: number[] }>('obj'))!;
      expect(second).toEqual({ list: [1, 2] });
      expect(cache.stats().nearHits).toBe(1);
    });

    it('serves getOrSet hits from process memory without running the loader', async () => {
      let runs = 0;
      const load = async () => ({ run: ++runs });
      expect(await cache.getOrSet('g', load, { ttl: 60, tags: ['t'] })).toEqual({ run: 1 });
      expect(await cache.getOrSet('g', load, { ttl: 60, tags: ['t'] })).toEqual({ run: 1 });
      expect(await cache.getOrSet('g', load, { ttl: 60, tags: ['t'] })).toEqual({ run: 1 });
      expect(cache.stats().nearHits).toBe(1);
      await cache.invalidateTags(['t']);
      expect(await cache.getOrSet('g', load, { ttl: 60, tags: ['t'] })).toEqual({ run: 2 });
    });

    it('never serves an entry past its Redis TTL', async () => {
      await cache.set('short', 'v', 0.3);
      // Redis set the TTL before it acknowledged the write: the entry expires by then + 300 ms at the latest.
      const expiresBy = performance.now() + 300;
      const served: number[] = [];
      for (;;) {
        const started = performance.now();
        if ((await cache.get('short')) === undefined) break;
        served.push(started);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(cache.stats().nearHits).toBeGreaterThan(served.length / 2);
      expect(Math.max(...served)).toBeLessThan(expiresBy);
    });
  });

  describe('with the near ttl shorter than the Redis TTL', () => {
    it('reads Redis again once the near ttl is over', async () => {
      const cache = await liveNearCache(testRedisUrl(), { near: { ttl: 0.2 } });
      try {
        await cache.set('k', 'v', 60);
        await cache.get('k');
        await cache.get('k');
        expect(cache.stats()).toMatchObject({ nearHits: 1, nearMisses: 1 });
        await waitFor(async () => (await cache.get('k')) === 'v' && cache.stats().nearMisses === 2, 2_000, 'refill');
      } finally {
        await cache.close();
      }
    });
  });

  describe('round trips', () => {
    const redis = redisServerPerTest();

    it('sends no command to Redis for 1000 near hits', async () => {
      const cache = redis.track(await liveNearCache(redis.server.url));
      const admin = new Redis(redis.server.url);
      try {
        await cache.setMany({ a: 1, b: 'two', c: { three: 3 } }, 60, { tags: ['x'] });
        await cache.getMany(['a', 'b', 'c']);
        await admin.config('RESETSTAT');
        for (let i = 0; i < 1000; i++) {
          await cache.get(['a', 'b', 'c'][i % 3]!);
          if (i % 100 === 0) await cache.getMany(['a', 'b']);
          if (i % 100 === 50) await cache.has('c');
        }
        const calls = await commandCalls(admin);
        for (const command of ['get', 'mget', 'pttl', 'exists'])
          expect({ command, calls: calls.get(command) }).toEqual({ command, calls: undefined });
        expect(cache.stats().nearHits).toBe(1000 + 20 + 10);
      } finally {
        admin.disconnect();
      }
    });
  });

  describe('memory bounds', () => {
    it('never holds more entries or bytes than configured, and never stores a value larger than maxBytes', async () => {
      const maxEntries = 40;
      const maxBytes = 64 * 1024;
      const cache = await liveNearCache(testRedisUrl(), { near: { maxEntries, maxBytes } });
      try {
        let seed = 7;
        const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
        for (let i = 0; i < 400; i++) {
          const key = `k${Math.floor(random() * 120)}`;
          if (random() < 0.3) await cache.set(key, 'x'.repeat(Math.floor(random() * 6000)), 60);
          await cache.get(key);
          const sizes = cache.inProcessSizes();
          expect(sizes.nearEntries!.size).toBeLessThanOrEqual(maxEntries);
          expect(sizes.nearBytes!.size).toBeLessThanOrEqual(maxBytes);
        }
        expect(cache.inProcessSizes()).toMatchObject({
          nearEntries: { max: maxEntries },
          nearBytes: { max: maxBytes },
        });
        await cache.set('huge', 'y'.repeat(maxBytes), 60);
        const before = cache.stats().nearHits;
        expect(await cache.get('huge')).toHaveLength(maxBytes);
        expect(await cache.get('huge')).toHaveLength(maxBytes);
        expect(cache.stats().nearHits).toBe(before);
      } finally {
        await cache.close();
      }
    });
  });

  describe('options', () => {
    it.each([
      [{ store: 'memory', near: true }, 'near'],
      [{ store: 'dummy', near: {} }, 'near'],
      [{ near: 'yes' }, 'near'],
      [{ near: { maxEntries: 0 } }, 'near.maxEntries'],
      [{ near: { maxBytes: 1.5 } }, 'near.maxBytes'],
      [{ near: { ttl: -1 } }, 'near.ttl'],
      [{ near: { heartbeatMs: 5 } }, 'near.heartbeatMs'],
      [{ near: { size: 3 } }, 'near.size'],
    ])('refuses %j with CacheConfigError naming %s', (options, option) => {
      expect(() => createCache(options as never, silentLogger)).toThrow(CacheConfigError);
      try {
        createCache(options as never, silentLogger);
      } catch (error) {
        expect((error as CacheConfigError).option).toBe(option);
      }
    });
  });
});
