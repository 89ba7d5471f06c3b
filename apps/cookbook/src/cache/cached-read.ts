import type { CacheService, GetOrSetOptions, Loader } from '@stash/cache';

/** Where a cached read's value came from: the cache, or its loader run by this very call. */
export type CacheStatus = 'HIT' | 'MISS';

/**
 * A value read through the cache, with how it was found. Handlers return it; `CacheStatusInterceptor` answers the
 * value and states the status as the page cache does (`X-Cache`, `Server-Timing`).
 */
export class CachedRead<T> {
  constructor(
    readonly value: T,
    readonly status: CacheStatus,
    /** Time the read took, the loader's run included, in milliseconds. */
    readonly durationMs: number,
  ) {}
}

/**
 * `cache.getOrSet(key, loader, options)`, telling whether the loader ran in this call (MISS) or not (HIT). A call
 * that joins another request's fill gets that fill's value without running its own loader, and reads as a HIT:
 * the database was not queried for it. With CACHE_STORE=dummy, or Redis unreachable, every read is a MISS.
 */
export async function readThrough<T>(
  cache: CacheService,
  key: string,
  loader: Loader<T>,
  options: GetOrSetOptions,
): Promise<CachedRead<T>> {
  let loaded = false;
  const started = performance.now();
  const value = await cache.getOrSet<T>(
    key,
    (context) => {
      loaded = true;
      return loader(context);
    },
    options,
  );
  return new CachedRead(value, loaded ? 'MISS' : 'HIT', performance.now() - started);
}

/** The `Server-Timing` entry of a cached read (the page cache's form): `cache;desc="HIT";dur=0.4`. */
export function cacheServerTiming(status: CacheStatus, durationMs: number): string {
  return `cache;desc="${status}";dur=${Math.max(0, durationMs).toFixed(1)}`;
}
