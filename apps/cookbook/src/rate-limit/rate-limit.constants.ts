/** DI token of the `ThrottlerStorage` the limits are counted in (a `CacheThrottlerStorage`). */
export const RATE_LIMIT_STORAGE = Symbol('COOKBOOK_RATE_LIMIT_STORAGE');

/** Metadata key of `@RateLimit()`: which limit a route counts against. */
export const RATE_LIMIT_METADATA = 'cookbook:rate-limit';

/**
 * Name of the cache the counters live in: always the configured Redis (REDIS_URL, REDIS_CLUSTER_NODES or
 * REDIS_SENTINELS), whatever CACHE_STORE says, so that every instance of the app counts against the same limit.
 */
export const RATE_LIMIT_CACHE = 'rate-limit';
