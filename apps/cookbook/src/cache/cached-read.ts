import { Inject } from '@nestjs/common';
import type { CacheService, GetOrSetOptions, Loader } from '@stash/cache';

/**
 * Runs before the work the cookbook does on a cache miss: every `readThrough` loader and every `@CachePage`
 * handler calls it before reading the database. Provided by `CookbookCoreModule`; it does nothing unless the
 * test hooks replace it (STASH_TEST_HOOKS=1 with STASH_TEST_LOADER_DELAY_MS, to widen race windows).
 */
export interface LoaderHook {
  /** @param source what is about to be loaded: the cache key, or `page:<path>` for a page handler. */
  beforeLoad(source: string): Promise<void> | void;
}

/** DI token of the `LoaderHook`. */
export const LOADER_HOOK = Symbol('LOADER_HOOK');

/** The hook outside tests: nothing happens before a load. */
export const NO_LOADER_HOOK: LoaderHook = Object.freeze({ beforeLoad: () => undefined });

/** Injects the `LoaderHook`. */
export const InjectLoaderHook = (): PropertyDecorator & ParameterDecorator => Inject(LOADER_HOOK);

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
 * `hook` runs before the loader.
 */
export async function readThrough<T>(
  cache: CacheService,
  key: string,
  loader: Loader<T>,
  options: GetOrSetOptions,
  hook: LoaderHook = NO_LOADER_HOOK,
): Promise<CachedRead<T>> {
  let loaded = false;
  const started = performance.now();
  const value = await cache.getOrSet<T>(
    key,
    async (context) => {
      loaded = true;
      await hook.beforeLoad(key);
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
