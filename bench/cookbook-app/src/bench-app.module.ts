import KeyvRedis from '@keyv/redis';
import { CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { AppModule } from '../../../apps/cookbook/src/app.module.js';
import type { CookbookConfig } from '../../../apps/cookbook/src/config/cookbook-config.interface.js';
import { cookbookConfig } from '../../../apps/cookbook/src/config/cookbook.config.js';
import { BenchController } from './bench.controller.js';

/** Lifetime of the @nestjs/cache-manager entry, in milliseconds (cache-manager 7's unit): longer than any run. */
const CACHE_MANAGER_TTL_MS = 3_600_000;

/**
 * The cookbook exactly as `npm start` runs it (its `AppModule`, configured by the same environment variables),
 * plus the benchmark's own routes, and @nestjs/cache-manager on the cookbook's Redis (REDIS_URL) through
 * `@keyv/redis`, the store its documentation recommends for Redis. No in-process layer in front of it: every
 * hit is a Redis round trip, as a `@CachePage` hit is.
 */
@Module({
  imports: [
    AppModule,
    NestCacheModule.registerAsync({
      inject: [cookbookConfig.KEY],
      useFactory: (config: CookbookConfig) => ({
        stores: [new KeyvRedis(singleRedisUrl(config))],
        ttl: CACHE_MANAGER_TTL_MS,
      }),
    }),
  ],
  controllers: [BenchController],
})
export class BenchAppModule {}

/** The cache-manager contender runs on one Redis server: REDIS_URL. */
function singleRedisUrl(config: CookbookConfig): string {
  if (config.redis.kind !== 'url') {
    throw new Error('The benchmark app needs REDIS_URL (one Redis server), not a Cluster or sentinels.');
  }
  return config.redis.url;
}
