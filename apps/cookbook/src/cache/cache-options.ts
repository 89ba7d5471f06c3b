import type { CacheModuleOptions } from '@stash/cache';
import type { CookbookConfig } from '../config/cookbook-config.interface.js';

/** The `CacheModule` options for CACHE_STORE, CACHE_TTL and CACHE_KEY_PREFIX. */
export function cookbookCacheOptions(config: CookbookConfig): CacheModuleOptions {
  const common = { keyPrefix: config.cacheKeyPrefix, defaultTtl: config.cacheTtl };
  return config.cacheStore === 'redis'
    ? { store: 'redis', url: config.redisUrl, ...common }
    : { store: config.cacheStore, ...common };
}
