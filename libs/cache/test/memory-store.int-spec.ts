import { jest } from '@jest/globals';
import { createCache, type CacheOptions, type CacheService } from '@stash/cache';
import { uniquePrefix } from '../../../test/support/test-redis.js';

const silentLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };
// A value of about 1 kB once encoded; three of them (with keys and bookkeeping) exceed 3 kB, two do not.
const KILOBYTE = 'x'.repeat(1_000);

describe('CacheService on the memory store (LocMemCache bounds)', () => {
  const caches: CacheService[] = [];

  function memoryCache(memory: CacheOptions['memory']): CacheService {
    const cache = createCache({ store: 'memory', keyPrefix: uniquePrefix('memory'), memory }, silentLogger);
    caches.push(cache);
    return cache;
  }

  async function present(cache: CacheService, keys: string[]): Promise<string[]> {
    return [...(await cache.getMany(keys)).keys()];
  }

  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
  });

  describe('memory.maxEntries', () => {
    it('evicts the least recently written key when full', async () => {
      const cache = memoryCache({ maxEntries: 3 });
      for (const key of ['a', 'b', 'c', 'd']) await cache.set(key, key);
      expect(await present(cache, ['a', 'b', 'c', 'd'])).toEqual(['b', 'c', 'd']);
    });

    it('keeps a key that was read recently and evicts the oldest-used one instead', async () => {
      const cache = memoryCache({ maxEntries: 3 });
      await cache.setMany({ a: 1, b: 2, c: 3 });
      expect(await cache.get('a')).toBe(1);
      await cache.set('d', 4);
      expect(await cache.has('b')).toBe(false);
      expect(await present(cache, ['a', 'c', 'd'])).toEqual(['a', 'c', 'd']);
    });

    it('counts a rewritten key as recently used, and never evicts to store it again', async () => {
      const cache = memoryCache({ maxEntries: 2 });
      await cache.set('a', 1);
      await cache.set('b', 2);
      await cache.set('a', 10);
      await cache.set('c', 3);
      expect(await present(cache, ['a', 'b', 'c'])).toEqual(['a', 'c']);
      expect(await cache.get('a')).toBe(10);
    });
  });

  describe('memory.maxBytes', () => {
    it('evicts least recently used entries until the stored bytes fit', async () => {
      const cache = memoryCache({ maxBytes: 3_000 });
      await cache.set('a', KILOBYTE);
      await cache.set('b', KILOBYTE);
      expect(await cache.get('a')).toBe(KILOBYTE);
      await cache.set('c', KILOBYTE);
      expect(await present(cache, ['a', 'b', 'c'])).toEqual(['a', 'c']);
      await cache.set('small', 1);
      expect(await present(cache, ['a', 'c', 'small'])).toEqual(['a', 'c', 'small']);
    });

    it('does not empty the cache to make room for a value that can never fit, and drops its old value', async () => {
      const cache = memoryCache({ maxBytes: 3_000 });
      await cache.setMany({ a: 1, b: 2, huge: 'old' });
      await cache.set('huge', 'x'.repeat(5_000));
      expect(await present(cache, ['a', 'b', 'huge'])).toEqual(['a', 'b']);
      expect(await cache.add('huge', 'y'.repeat(5_000))).toBe(false);
      expect(await present(cache, ['a', 'b', 'huge'])).toEqual(['a', 'b']);
    });
  });
});
