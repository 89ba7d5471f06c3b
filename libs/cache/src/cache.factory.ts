import { Logger, type LoggerService } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import type { CacheOptions } from './cache-options.interface.js';
import type { CacheCodec } from './codec/cache-codec.interface.js';
import { resolveCacheOptions, type ResolvedCacheOptions } from './cache-options.js';
import { CacheService } from './cache.service.js';
import { CacheStats } from './cache-stats.js';
import { EntrySerializer } from './codec/entry-serializer.js';
import { PendingInvalidations } from './entries/pending-invalidations.js';
import { jsonCodec } from './codec/json.codec.js';
import { msgpackCodec } from './codec/msgpack.codec.js';
import { RedisConnections } from './connection/redis-connections.js';
import { FaultGuard } from './faults/fault-guard.js';
import { KeyLayout } from './keys/key-layout.js';
import { DummyCacheStore } from './store/dummy-cache-store.js';
import { MemoryCacheStore } from './store/memory-cache-store.js';
import { RedisCacheStore } from './store/redis-cache-store.js';
import type { CacheStore } from './store/cache-store.interface.js';

/** Assembles a `CacheService` from resolved options, borrowing its Redis client from `connections`. @internal */
export function buildCache(
  options: ResolvedCacheOptions,
  connections: RedisConnections,
  logger: LoggerService,
): CacheService {
  const stats = new CacheStats(options.name);
  const guard = new FaultGuard(options.name, options.failOpen, options.breaker, stats, logger);
  let store: CacheStore;
  let client: Redis | Cluster | undefined;
  if (options.store === 'memory') {
    store = new MemoryCacheStore(options.memory);
  } else if (options.store === 'dummy') {
    store = new DummyCacheStore();
  } else {
    const lease = connections.acquire(options, () => guard.connectionReady());
    client = lease.client;
    store = new RedisCacheStore(client, options.commandTimeout, lease.release);
  }
  const serializer = new EntrySerializer({
    codec: resolveCodec(options.codec),
    compressAbove: options.compressAbove,
    compression: options.compression,
  });
  const keys = new KeyLayout(options);
  const pending = new PendingInvalidations({ options, store, keys, guard, stats, logger });
  return new CacheService({ options, store, client, serializer, keys, guard, stats, logger, pending });
}

/**
 * Creates a standalone cache outside of Nest's DI (scripts, tests, workers). It owns its connection:
 * `close()` quits it.
 * @example const cache = createCache({ url: 'redis://127.0.0.1:6379/0', keyPrefix: 'jobs' });
 */
export function createCache(
  options: CacheOptions & { cacheName?: string } = {},
  logger: LoggerService = new Logger('StashCache'),
): CacheService {
  const { cacheName = 'default', ...cacheOptions } = options;
  return buildCache(resolveCacheOptions(cacheName, cacheOptions), new RedisConnections(logger), logger);
}

function resolveCodec(codec: ResolvedCacheOptions['codec']): CacheCodec {
  if (codec === 'json') return jsonCodec;
  if (codec === 'msgpack') return msgpackCodec;
  return codec;
}
