import type { CacheModuleOptions } from '@stash/cache';
import type { CookbookConfig } from '../config/cookbook-config.interface.js';
import { RATE_LIMIT_CACHE } from '../rate-limit/rate-limit.constants.js';

/**
 * The `CacheModule` options: the default cache as CACHE_STORE, CACHE_TTL and CACHE_KEY_PREFIX say, and the
 * `rate-limit` cache, always on Redis at REDIS_URL (sessions need that Redis anyway). Rate-limit counters are
 * shared state, not a cache: in process memory each instance would count on its own. Its keys sit under
 * `<prefix>-rate-limit:`, beside the cache's `<prefix>:*` as the sessions' and view counts' do, so that clearing
 * the cache does not reset the limits.
 */
export function cookbookCacheOptions(config: CookbookConfig): CacheModuleOptions {
  const common = { keyPrefix: config.cacheKeyPrefix, defaultTtl: config.cacheTtl };
  const caches = {
    [RATE_LIMIT_CACHE]: { store: 'redis', url: config.redisUrl, keyPrefix: `${config.cacheKeyPrefix}-rate-limit` },
  } as const;
  return config.cacheStore === 'redis'
    ? { store: 'redis', url: config.redisUrl, ...common, caches }
    : { store: config.cacheStore, ...common, caches };
}
