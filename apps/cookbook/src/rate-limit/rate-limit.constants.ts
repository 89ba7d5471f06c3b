/** DI token of the `ThrottlerStorage` the limits are counted in (a `CacheThrottlerStorage`). */
export const RATE_LIMIT_STORAGE = Symbol('COOKBOOK_RATE_LIMIT_STORAGE');

/** DI token of the resolved `RateLimits`. */
export const RATE_LIMITS = Symbol('COOKBOOK_RATE_LIMITS');
