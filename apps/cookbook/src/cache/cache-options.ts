import type { CacheModuleOptions } from '@stash/cache';
import type { CookbookConfig } from '../config/cookbook-config.interface.js';
import { RATE_LIMIT_CACHE } from '../rate-limit/rate-limit.constants.js';
import { cacheConnectionOptions } from './redis-connection-options.js';

/**
 * The `CacheModule` options: the default cache as CACHE_STORE, CACHE_TTL and CACHE_KEY_PREFIX say, and the
 * `rate-limit` cache, always on the configured Redis (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS: sessions
 * need it anyway). Rate-limit counters are shared state, not a cache: in process memory each instance would count
 * on its own. Its keys sit under `<prefix>-rate-limit:`, beside the cache's `<prefix>:*` as the sessions' and view
 * counts' do, so that clearing the cache does not reset the limits. CACHE_NEAR=1 puts a near cache in front of the
 * default cache (pages' data and API reads), never in front of the counters, which are only incremented.
 */
export function cookbookCacheOptions(config: CookbookConfig): CacheModuleOptions {
  const connection = cacheConnectionOptions(config.redis);
  const common = { keyPrefix: config.cacheKeyPrefix, defaultTtl: config.cacheTtl };
  const caches = {
    [RATE_LIMIT_CACHE]: { store: 'redis', ...connection, keyPrefix: `${config.cacheKeyPrefix}-rate-limit` },
  } as const;
  return config.cacheStore === 'redis'
    ? { store: 'redis', ...connection, ...common, ...(config.cacheNear ? { near: true } : {}), caches }
    : { store: config.cacheStore, ...common, caches };
}
