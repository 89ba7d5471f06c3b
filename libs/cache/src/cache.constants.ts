/** Name of the cache injected as `CacheService` (Django's `caches['default']`). */
export const DEFAULT_CACHE_NAME = 'default';

/** DI token of the raw `CacheModule` options. */
export const CACHE_MODULE_OPTIONS = Symbol('CACHE_MODULE_OPTIONS');

/** DI token of the `Logger` used by every cache (override it to route Stash's log lines). */
export const CACHE_LOGGER = Symbol('CACHE_LOGGER');

/** DI token prefix of named caches; use `getCacheToken(name)` or `@InjectCache(name)`. */
export const CACHE_TOKEN_PREFIX = 'stash:cache:';
