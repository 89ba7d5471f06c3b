import type { CacheOptions } from '@stash/cache';
import type { RedisConnectionConfig } from '../config/cookbook-config.interface.js';

/** The connection part of a cache's options: a URL, a cluster's start-up nodes, or sentinels and a master name. */
export type CacheConnectionOptions = Pick<CacheOptions, 'url' | 'cluster' | 'sentinels' | 'name'>;

/** The `CacheOptions` that reach the Redis the configuration names (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS). */
export function cacheConnectionOptions(redis: RedisConnectionConfig): CacheConnectionOptions {
  switch (redis.kind) {
    case 'url':
      return { url: redis.url };
    case 'cluster':
      return { cluster: { nodes: redis.nodes.map(({ host, port }) => ({ host, port })) } };
    case 'sentinel':
      return { sentinels: redis.sentinels.map(({ host, port }) => ({ host, port })), name: redis.name };
  }
}
