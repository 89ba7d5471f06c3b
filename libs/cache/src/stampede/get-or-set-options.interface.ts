/** Options of `CacheService.getOrSet`. Every duration is in seconds. */
export interface GetOrSetOptions {
  /** Fresh lifetime in seconds; `null` = never expires, `0` = compute without storing. @default the cache's defaultTtl */
  ttl?: number | null;
  /** Tags the value depends on; `invalidateTags` on any of them makes it miss. */
  tags?: readonly string[];
  /** After expiry, serve the stale value for this many seconds while one caller refreshes it in the background. */
  staleWhileRevalidate?: number;
  /** After expiry, serve the stale value for this many seconds when the loader throws or times out. */
  grace?: number;
  /** Seconds after which a loader is abandoned with `LoaderTimeoutError` (or the grace value is served). */
  loaderTimeout?: number;
  /** XFetch early probabilistic refresh; `beta` > 1 refreshes earlier. @default false (beta 1 when true) */
  earlyRefresh?: boolean | { beta?: number };
  /** Key version. @default the cache's version */
  version?: number;
}
