import type { CacheStatsSnapshot } from '@stash/cache';
import { cacheStatMetrics, snakeCase } from './cache-stat-metrics.js';

describe('snakeCase', () => {
  it.each([
    ['hits', 'hits'],
    ['staleServes', 'stale_serves'],
    ['invalidationsPending', 'invalidations_pending'],
    ['http2Hits', 'http2_hits'],
  ])('%s → %s', (field, expected) => {
    expect(snakeCase(field)).toBe(expected);
  });
});

describe('cacheStatMetrics', () => {
  const snapshot = {
    cache: 'default',
    hits: 3,
    staleServes: 1,
    someNewGauge: 7,
    breaker: 'closed',
  } as unknown as CacheStatsSnapshot;

  it.each([
    ['hits', 'stash_cache_hits_total', 'counter'],
    ['staleServes', 'stash_cache_stale_serves_total', 'counter'],
    ['someNewGauge', 'stash_cache_some_new_gauge', 'gauge'],
  ])('exposes %s as %s (%s)', (field, name, type) => {
    expect(cacheStatMetrics(snapshot).find((metric) => metric.field === field)).toMatchObject({ name, type });
  });

  it('skips fields that are not numbers (the cache name, the breaker state)', () => {
    expect(cacheStatMetrics(snapshot).map((metric) => metric.field)).toEqual(['hits', 'staleServes', 'someNewGauge']);
  });
});
