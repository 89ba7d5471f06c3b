/** The size of one in-process map or set, and its bound. */
export interface InProcessSize {
  /** Entries held now (bytes, for a name ending in `Bytes`). */
  readonly size: number;
  /**
   * The bound `size` never exceeds; `null` when the map has no bound of its own and its size is bounded by
   * something else (documented with `inProcessSizes()`; most are bounded by the calls in progress).
   */
  readonly max: number | null;
}

/**
 * In-process maps by name: `{ getOrSetFlights: { size: 3, max: null }, memoryEntries: { size: 812, max: 10000 } }`.
 *
 * `CacheService.inProcessSizes()`:
 * - `getOrSetFlights` (`max: null`): one per key a `getOrSet` is reading or filling right now;
 * - `backgroundRefreshes` (`max: null`): one per key refreshed in the background (stale-while-revalidate, early
 *   refresh), each bounded by its loader;
 * - `pendingInvalidations` (10,000): one per tag whose retried invalidation has not reached Redis yet; it grows
 *   with the distinct tags invalidated while Redis is unreachable, and empties once Redis answers; one more tag
 *   folds them all into one pending deletion of every tag token (and the map empties);
 * - `recentInvalidations` (10,000): the tags this process invalidated lately, landed or queued, against which a
 *   value loaded without Redis is checked (the oldest are forgotten);
 * - `memoryEntries`, `memoryBytes` (memory store): bounded by the `memory` options;
 * - `nearEntries`, `nearBytes` (near cache on): bounded by `near.maxEntries` and `near.maxBytes` (stored keys plus
 *   encoded values); `nearInvalidationEpochs` (20,000): the keys and tags whose latest invalidation the near cache
 *   remembers, so that a read that started before it does not fill the entry;
 * - `throttleCounters` (memory and dummy stores): rate-limit counters, bounded by 100,000.
 *
 * `PageCache.inProcessSizes()`: `learnedVaryLists` (10,000), `pageStores` (the configured caches), and per cache
 * `pageFlights.<cache>`, `pageRefreshes.<cache>`, `varyReads.<cache>` (`max: null`: one per page with requests in
 * progress); with `@CachePage({ edge: true })` routes, `edgePaths` (bounded by `edge.maxEntries`) and per cache
 * `edgePages.<cache>` / `edgeBytes.<cache>` (bounded by `edge.maxEntries` and `edge.maxBytes`).
 */
export type InProcessSizes = Readonly<Record<string, InProcessSize>>;
