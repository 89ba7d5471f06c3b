import type { BreakerState } from './faults/circuit-breaker.js';

/** Counters of one cache since it started (`CacheService.stats()`). */
export interface CacheStatsSnapshot {
  readonly cache: string;
  /** Reads that found a value (near-cache hits included). */
  readonly hits: number;
  readonly misses: number;
  /** Reads served from the near cache, without Redis (a subset of `hits`); 0 without a near cache. */
  readonly nearHits: number;
  /** Keys looked up in the near cache and not found there (read from Redis then); 0 without a near cache. */
  readonly nearMisses: number;
  readonly sets: number;
  readonly deletes: number;
  /** Connectivity faults, including calls refused while the breaker was open. */
  readonly errors: number;
  /** Stored values that could not be decoded and were treated as misses. */
  readonly decodeErrors: number;
  /** Stale values served by stale-while-revalidate or grace. */
  readonly staleServes: number;
  readonly loaderRuns: number;
  /**
   * Calls that waited for a lock someone else held: `getOrSet` waiting for another process's fill lock, and
   * `lock()`/`withLock` waiting for a held lock. Once per call, however many times it polled.
   */
  readonly lockWaits: number;
  /** Tags whose invalidation (`invalidateTags` with `retry`) has not reached Redis yet; treated as invalidated here. */
  readonly invalidationsPending: number;
  /** `invalidateTags` calls with `retry` that found Redis unavailable and were queued instead of applied. */
  readonly invalidationsQueued: number;
  /** Background attempts to apply queued invalidations (failed and successful). */
  readonly invalidationRetries: number;
  /** Throttler `increment` calls let through without counting because Redis was unavailable (`failOpen`). */
  readonly throttlerFailOpens: number;
  readonly breaker: BreakerState;
}

/** Mutable counters behind `CacheStatsSnapshot`. */
export class CacheStats {
  hits = 0;
  misses = 0;
  nearHits = 0;
  nearMisses = 0;
  sets = 0;
  deletes = 0;
  errors = 0;
  decodeErrors = 0;
  staleServes = 0;
  loaderRuns = 0;
  lockWaits = 0;
  invalidationsPending = 0;
  invalidationsQueued = 0;
  invalidationRetries = 0;
  throttlerFailOpens = 0;

  constructor(private readonly cache: string) {}

  snapshot(breaker: BreakerState): CacheStatsSnapshot {
    const { cache, hits, misses, sets, deletes, errors, decodeErrors, staleServes, loaderRuns, lockWaits } = this;
    const { invalidationsPending, invalidationsQueued, invalidationRetries, throttlerFailOpens } = this;
    const { nearHits, nearMisses } = this;
    return {
      cache,
      hits,
      misses,
      nearHits,
      nearMisses,
      sets,
      deletes,
      errors,
      decodeErrors,
      staleServes,
      loaderRuns,
      lockWaits,
      invalidationsPending,
      invalidationsQueued,
      invalidationRetries,
      throttlerFailOpens,
      breaker,
    };
  }
}
