export { CacheModule } from './cache.module.js';
export type { CacheModuleExtras } from './cache.module-definition.js';
export { CacheRegistry } from './cache.registry.js';
export { CacheService } from './cache.service.js';
export type {
  InvalidateTagsOptions,
  LockOptions,
  SetOptions,
  VersionOption,
} from './cache-service-options.interface.js';
export { createCache } from './cache.factory.js';
export type { CacheModuleOptions, CacheOptions, KeyFunction } from './cache-options.interface.js';
export { CACHE_DEFAULTS } from './cache-options.js';
export type { NearCacheOptions } from './near/near-options.interface.js';
export { NEAR_DEFAULTS } from './near/near-options.js';
export { CACHE_LOGGER, CACHE_MODULE_OPTIONS, DEFAULT_CACHE_NAME } from './cache.constants.js';
export type { CacheStatsSnapshot } from './cache-stats.js';
export type { InProcessSize, InProcessSizes } from './in-process-sizes.js';
export type { BreakerState } from './faults/circuit-breaker.js';
export { isConnectivityError } from './faults/connectivity-error.js';
export { whenReady } from './connection/redis-connections.js';
export { RAW_COMMAND_TIMEOUT_FACTOR, withinCommandTimeout } from './connection/command-timeout.js';
export { groupBySlot, type SlotGroup } from './store/slot-groups.js';
export { CommandTimeoutError } from './errors/command-timeout.error.js';
export type { CacheCodec } from './codec/cache-codec.interface.js';
export { jsonCodec } from './codec/json.codec.js';
export { msgpackCodec } from './codec/msgpack.codec.js';
export { InjectCache, getCacheToken } from './decorators/inject-cache.decorator.js';
export { CacheLock } from './lock/cache-lock.js';
export type { GetOrSetOptions } from './stampede/get-or-set-options.interface.js';
export type { Loader, LoaderContext } from './stampede/run-loader.js';
export { defaultKeyFunction } from './keys/entry-key.js';
export { escapeGlob } from './keys/glob.js';
export type { CacheStore, StoreTtl, ThrottleHit } from './store/cache-store.interface.js';
export { CacheError } from './errors/cache.error.js';
export { CacheArgumentError } from './errors/cache-argument.error.js';
export { CacheConfigError } from './errors/cache-config.error.js';
export { CacheDecodeError } from './errors/cache-decode.error.js';
export { CacheKeyError } from './errors/cache-key.error.js';
export { CacheKeyMissingError } from './errors/cache-key-missing.error.js';
export { CacheLockError } from './errors/cache-lock.error.js';
export { CacheSerializationError } from './errors/cache-serialization.error.js';
export { CacheTtlError } from './errors/cache-ttl.error.js';
export { CacheUnavailableError } from './errors/cache-unavailable.error.js';
export { CacheValueError } from './errors/cache-value.error.js';
export { CacheValueTooLargeError } from './errors/cache-value-too-large.error.js';
export { LoaderTimeoutError } from './errors/loader-timeout.error.js';
export { PageCacheModule } from './http/page-cache.module.js';
export type { PageCacheModuleExtras } from './http/page-cache.module-definition.js';
export type { PageCacheOptions } from './http/page-cache-options.interface.js';
export { PAGE_CACHE_DEFAULTS } from './http/page-cache-options.js';
export { PageCache } from './http/page-cache.service.js';
export type { PageInvalidateOptions } from './http/page-cache.service.js';
export { PageCacheInterceptor } from './http/page-cache.interceptor.js';
export { PageEdgeError } from './http/edge/page-edge.error.js';
export type { PageEdgeOptions } from './http/edge/page-edge-options.interface.js';
export type { PageEdgeStats } from './http/edge/page-edge.js';
export { PAGE_EDGE_DEFAULTS } from './http/edge/page-edge-options.js';
export type { CachePageOptions, PageKeySource, PageRoute } from './http/page-route.js';
export type { CapturedResponse } from './http/page-rules.js';
export type { PageIdentity } from './keys/page-key.js';
export { CACHE_STATUS_HEADER } from './http/page-replay.js';
export {
  addNeverCacheHeaders,
  getMaxAge,
  patchCacheControl,
  patchResponseHeaders,
  type CacheControlDirectives,
  type CacheControlOptions,
  type HeaderAccess,
} from './http/cache-control.js';
export { hasVary, patchVary } from './http/vary.js';
export { CachePage } from './decorators/cache-page.decorator.js';
export { CacheKey } from './decorators/cache-key.decorator.js';
export { VaryOnCookie, VaryOnHeaders } from './decorators/vary-on.decorator.js';
export { CacheControl } from './decorators/cache-control.decorator.js';
export { NeverCache } from './decorators/never-cache.decorator.js';
export {
  CACHE_CONTROL_METADATA,
  CACHE_KEY_METADATA,
  CACHE_PAGE_METADATA,
  NEVER_CACHE_METADATA,
  PAGE_CACHE_OPTIONS,
  VARY_ON_COOKIE_METADATA,
  VARY_ON_HEADERS_METADATA,
} from './cache.constants.js';
export { fragmentKey } from './keys/fragment-key.js';
export type { FragmentOptions, FragmentRender } from './fragments/fragment-options.interface.js';
export { registerLiquidCacheTag } from './fragments/liquid-cache-tag.js';
export type { LiquidCacheTagOptions } from './fragments/liquid-cache-tag.js';
export { Cached } from './decorators/cached.decorator.js';
export type { CachedMethodDecorator } from './decorators/cached.decorator.js';
export type { CachedOptions } from './methods/cached-options.interface.js';
export { CachedMethodsExplorer } from './methods/cached-methods.explorer.js';
export { CACHED_METADATA } from './cache.constants.js';
export { CacheKeyArgumentError } from './errors/cache-key-argument.error.js';
export { CachedMethodError } from './errors/cached-method.error.js';
export { CacheThrottlerStorage } from './throttler/cache-throttler.storage.js';
export type { CacheThrottlerStorageOptions } from './throttler/cache-throttler-options.interface.js';
