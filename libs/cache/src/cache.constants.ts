/** Name of the cache injected as `CacheService` (Django's `caches['default']`). */
export const DEFAULT_CACHE_NAME = 'default';

/** DI token of the raw `CacheModule` options. */
export const CACHE_MODULE_OPTIONS = Symbol('CACHE_MODULE_OPTIONS');

/** DI token of the `Logger` used by every cache (override it to route Stash's log lines). */
export const CACHE_LOGGER = Symbol('CACHE_LOGGER');

/** DI token prefix of named caches; use `getCacheToken(name)` or `@InjectCache(name)`. */
export const CACHE_TOKEN_PREFIX = 'stash:cache:';

/** DI token of the raw `PageCacheModule` options. */
export const PAGE_CACHE_OPTIONS = Symbol('PAGE_CACHE_OPTIONS');

/** Metadata key of `@CachePage`. */
export const CACHE_PAGE_METADATA = 'stash:cache:page';
/** Metadata key of `@CacheKey`. */
export const CACHE_KEY_METADATA = 'stash:cache:key';
/** Metadata key of `@VaryOnHeaders`. */
export const VARY_ON_HEADERS_METADATA = 'stash:cache:vary-on-headers';
/** Metadata key of `@VaryOnCookie`. */
export const VARY_ON_COOKIE_METADATA = 'stash:cache:vary-on-cookie';
/** Metadata key of `@CacheControl`. */
export const CACHE_CONTROL_METADATA = 'stash:cache:cache-control';
/** Metadata key of `@NeverCache`. */
export const NEVER_CACHE_METADATA = 'stash:cache:never-cache';
/** Metadata key of `@Cached`. */
export const CACHED_METADATA = 'stash:cache:cached';
