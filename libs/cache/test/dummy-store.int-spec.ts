import { jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import {
  CACHE_LOGGER,
  CacheKeyMissingError,
  CacheModule,
  CacheService,
  CacheValueTooLargeError,
  createCache,
  type CacheOptions,
} from '@stash/cache';
import { describeBadInput } from './support/contract-bad-input.js';
import { collectKeys, newLogger, useContractHarness } from './support/contract-harness.js';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';

describe('CacheService on the dummy store (DummyCache)', () => {
  const caches: CacheService[] = [];

  function dummy(options: CacheOptions = {}, logger = newLogger()): CacheService {
    const cache = createCache({ store: 'dummy', keyPrefix: uniquePrefix('dummy'), ...options }, logger);
    caches.push(cache);
    return cache;
  }

  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
  });

  describe('reads', () => {
    it('miss after every kind of write', async () => {
      const cache = dummy();
      await cache.set('k', 'v', 60);
      await cache.setMany({ a: 1, b: 2 }, 60, { tags: ['t'] });
      expect(await cache.add('added', 'v')).toBe(true);
      expect(await cache.get('k')).toBeUndefined();
      expect(await cache.get('k', 'fallback')).toBe('fallback');
      expect(await cache.getMany(['k', 'a', 'b', 'added'])).toEqual(new Map());
      expect(await cache.has('a')).toBe(false);
      expect(await cache.ttl('k')).toBe(0);
      expect(await collectKeys(cache.iterKeys('*'))).toEqual([]);
    });

    it('count as misses, and writes as sets that succeeded', async () => {
      const cache = dummy();
      await cache.set('k', 'v');
      expect(await cache.setMany({ a: 1, b: 2 })).toEqual([]);
      await cache.get('k');
      await cache.getMany(['a', 'b']);
      expect(cache.stats()).toMatchObject({ hits: 0, misses: 3, sets: 3, errors: 0 });
    });
  });

  describe('writes', () => {
    it('add reports true every time, as DummyCache does', async () => {
      const cache = dummy();
      expect(await cache.add('k', 1)).toBe(true);
      expect(await cache.add('k', 2)).toBe(true);
      expect(await cache.add('tagged', 3, 60, { tags: ['t'] })).toBe(true);
    });

    it.each<[string, (cache: CacheService) => Promise<unknown>, unknown]>([
      ['delete', (cache) => cache.delete('k'), false],
      ['deleteMany', (cache) => cache.deleteMany(['k', 'l']), 0],
      ['touch', (cache) => cache.touch('k', 60), false],
      ['expire', (cache) => cache.expire('k', 60), false],
      ['persist', (cache) => cache.persist('k'), false],
      ['clear', (cache) => cache.clear(), 0],
      ['deletePattern', (cache) => cache.deletePattern('*'), 0],
    ])('%s finds nothing, even right after a set', async (_, call, expected) => {
      const cache = dummy();
      await cache.set('k', 'v');
      expect(await call(cache)).toEqual(expected);
    });

    it.each<[string, (cache: CacheService) => Promise<unknown>]>([
      ['incr', (cache) => cache.incr('n')],
      ['decr', (cache) => cache.decr('n', 2)],
      ['incrVersion', (cache) => cache.incrVersion('n')],
      ['decrVersion', (cache) => cache.decrVersion('n')],
    ])('%s throws CacheKeyMissingError, as on a missing key (Django raises ValueError)', async (_, call) => {
      const cache = dummy();
      await cache.set('n', 1);
      await expect(call(cache)).rejects.toBeInstanceOf(CacheKeyMissingError);
    });

    it('still checks values before anything (maxValueBytes, codec)', async () => {
      const cache = dummy({ maxValueBytes: 16 });
      await expect(cache.set('k', 'x'.repeat(100))).rejects.toBeInstanceOf(CacheValueTooLargeError);
    });
  });

  describe('getOrSet', () => {
    it('runs the loader on every call, storing nothing', async () => {
      const cache = dummy();
      const loader = jest.fn(async () => 'loaded');
      for (let i = 0; i < 3; i++) expect(await cache.getOrSet('k', loader, { ttl: 60, tags: ['t'] })).toBe('loaded');
      expect(loader).toHaveBeenCalledTimes(3);
      expect(cache.stats()).toMatchObject({ loaderRuns: 3, hits: 0 });
    });

    it('never waits for a fill lock: another "process" computing the same key does not hold it up', async () => {
      const prefix = uniquePrefix('dummy-shared');
      const [one, two] = [dummy({ keyPrefix: prefix }), dummy({ keyPrefix: prefix })];
      let release!: () => void;
      const slow = one.getOrSet('k', () => new Promise<string>((done) => (release = () => done('slow'))));
      const started = performance.now();
      expect(await two.getOrSet('k', () => 'fast')).toBe('fast');
      expect(performance.now() - started).toBeLessThan(100);
      release();
      expect(await slow).toBe('slow');
      expect(two.stats().lockWaits).toBe(0);
    });

    it('renders fragments every time', async () => {
      const cache = dummy();
      const render = jest.fn(async () => '<nav>');
      await cache.fragment('nav', [1], 60, render);
      await cache.fragment('nav', [1], 60, render);
      expect(render).toHaveBeenCalledTimes(2);
    });
  });

  describe('locks', () => {
    it('are always free: a second holder acquires at once, and release and extend succeed', async () => {
      const cache = dummy();
      const first = await cache.lock('job', { blockingTimeout: 0 });
      const second = await cache.lock('job', { blockingTimeout: 0 });
      await first.extend(5);
      await first.release();
      await second.release();
      expect(await cache.withLock('job', () => 'ran')).toBe('ran');
      expect(cache.stats().lockWaits).toBe(0);
    });
  });

  describe('tags', () => {
    it('accept invalidations, with or without retry, and never queue one', async () => {
      const cache = dummy();
      await cache.set('k', 'v', 60, { tags: ['t'] });
      await cache.invalidateTags(['t']);
      await cache.invalidateTags(['t', 'u'], { retry: true });
      expect(cache.stats()).toMatchObject({ invalidationsPending: 0, invalidationsQueued: 0 });
    });
  });

  describe('configuration', () => {
    it('ignores connection options, as the memory store does: nothing connects', async () => {
      const logger = newLogger();
      const cache = dummy({ url: 'redis://127.0.0.1:1/0', commandTimeout: 50 }, logger);
      expect(await cache.ready(50)).toBe(true);
      await cache.set('k', 'v');
      expect(await cache.get('k')).toBeUndefined();
      expect(cache.stats().errors).toBe(0);
      expect(logger.warn).not.toHaveBeenCalled();
    });

    it('is accepted by CacheModule, beside a Redis cache with its prefix on its server (it has no keys)', async () => {
      const prefix = uniquePrefix('dummy-module');
      const moduleRef = await Test.createTestingModule({
        imports: [
          CacheModule.forRoot({
            store: 'dummy',
            url: testRedisUrl(),
            keyPrefix: prefix,
            caches: { onRedis: { url: testRedisUrl(), keyPrefix: prefix } },
          }),
        ],
      })
        .overrideProvider(CACHE_LOGGER)
        .useValue(newLogger())
        .compile();
      const cache = moduleRef.get(CacheService);
      await cache.set('k', 'v');
      expect(await cache.get('k')).toBeUndefined();
      await moduleRef.close();
    });
  });
});

describe('CacheService contract: dummy store, bad input', () => {
  const harness = useContractHarness((keyPrefix) => ({ store: 'dummy', keyPrefix }));
  describeBadInput(harness);
});
