import { Module } from '@nestjs/common';
import { CacheModule } from '@stash/cache';
import { CacheInvalidationModule, SignalsModule } from '@stash/signals';
import { TypeOrmSignalsModule } from '@stash/signals/typeorm';
import { COOKBOOK_INVALIDATIONS } from './cache/cache-invalidation.js';
import { cookbookCacheOptions } from './cache/cache-options.js';
import { LoaderHookModule } from './cache/loader-hook.module.js';
import { CookbookConfigModule } from './config/config.module.js';
import { cookbookConfig } from './config/cookbook.config.js';
import { DatabaseModule } from './database/database.module.js';
import { RATE_LIMIT_CACHE } from './rate-limit/rate-limit.constants.js';

/**
 * What both the web app and the seed command run on: the validated configuration, the migrated database, the
 * caches (the default one, and `rate-limit`, always on Redis), and the entity signals that invalidate the cache after every committed write (before the write's
 * transaction call returns).
 */
@Module({
  imports: [
    CookbookConfigModule,
    DatabaseModule,
    CacheModule.forRootAsync({
      isGlobal: true,
      cacheNames: [RATE_LIMIT_CACHE],
      inject: [cookbookConfig.KEY],
      useFactory: cookbookCacheOptions,
    }),
    SignalsModule.forRoot(),
    // The outbox keeps an invalidation that could not reach Redis at commit time until one lands.
    TypeOrmSignalsModule.forRoot({ outbox: true }),
    CacheInvalidationModule.forFeature(COOKBOOK_INVALIDATIONS),
    // The no-op hook run before each cache load; the test hooks replace it (STASH_TEST_HOOKS=1).
    LoaderHookModule,
  ],
})
export class CookbookCoreModule {}
