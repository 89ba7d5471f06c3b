import { createCache, type CacheOptions, type CacheService } from '@stash/cache';
import { perSuite } from '../../../../test/support/per-suite.js';
import { CacheLoad } from './cache-load.js';
import { newLogger } from './contract-harness.js';
import { FAILOVER_CACHE_OPTIONS } from './failover-figures.js';

/** A cache under load, as a failover test starts it. */
export interface LoadedCache {
  readonly cache: CacheService;
  readonly load: CacheLoad;
}

/** The topology a failover suite shares, and the loaded caches its tests open on it. */
export interface FailoverSuite<T> {
  /** The suite's topology (started before its first test). */
  readonly topology: T;
  /**
   * A cache on `connection` with `FAILOVER_CACHE_OPTIONS`, checked ready, with a `CacheLoad` already running on it
   * for 300 ms. It is closed after the test.
   */
  loadedCache(connection: CacheOptions): Promise<LoadedCache>;
}

/**
 * Registers the hooks of a failover suite: `start` the topology before its tests (30 s at most), close each test's
 * caches after it, and at the end stop the topology and expect no unhandled rejection from the whole suite
 * (`perSuite`).
 */
export function failoverSuite<T extends { stop(): Promise<void> }>(start: () => Promise<T>): FailoverSuite<T> {
  const topology = perSuite(start, 30_000);
  const caches: CacheService[] = [];
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
  });
  return {
    get topology() {
      return topology.current;
    },
    async loadedCache(connection) {
      const cache = createCache({ ...connection, ...FAILOVER_CACHE_OPTIONS }, newLogger());
      caches.push(cache);
      expect(await cache.ready()).toBe(true);
      const load = new CacheLoad(cache);
      load.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { cache, load };
    },
  };
}
