import type { BreakerState, CacheStatsSnapshot } from '@stash/cache';

/** How one numeric field of `CacheStatsSnapshot` is exposed to Prometheus. */
export interface CacheStatMetric {
  readonly field: string;
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
}

export const BREAKER_STATES = ['closed', 'half-open', 'open'] as const satisfies readonly BreakerState[];

// Fields known to be monotonic since start are counters; any other numeric field (one a newer @stash/cache adds)
// is still exported, as a gauge, so that it is visible before someone remembers to list it here.
const COUNTERS: Readonly<Record<string, string>> = {
  hits: 'Cache reads that found a fresh value.',
  misses: 'Cache reads that found nothing usable.',
  sets: 'Values written to the cache.',
  deletes: 'Keys deleted from the cache.',
  errors: 'Connectivity faults, including calls refused while the circuit breaker was open.',
  decodeErrors: 'Stored values that could not be decoded and were treated as misses.',
  staleServes: 'Stale values served by stale-while-revalidate or grace.',
  loaderRuns: 'getOrSet loaders run (each one a miss that went to the source).',
  lockWaits: 'Calls that waited for a lock someone else held.',
  invalidationsQueued: 'Tag invalidations queued for retry because Redis could not be reached.',
  invalidationRetries: 'Attempts to apply queued tag invalidations.',
  throttlerFailOpens: 'Rate-limit checks let through because Redis could not be reached (failOpen).',
};

/** The metric for each numeric field of a snapshot, in field order. */
export function cacheStatMetrics(snapshot: CacheStatsSnapshot): CacheStatMetric[] {
  return Object.entries(snapshot)
    .filter(([, value]) => typeof value === 'number')
    .map(([field]) => {
      const help = COUNTERS[field];
      const base = `stash_cache_${snakeCase(field)}`;
      return help === undefined
        ? { field, name: base, type: 'gauge', help: `CacheStatsSnapshot.${field} of each cache.` }
        : { field, name: `${base}_total`, type: 'counter', help };
    });
}

/** `staleServes` → `stale_serves`. */
export function snakeCase(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
