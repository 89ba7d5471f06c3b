import { Module } from '@nestjs/common';
import { CacheModule } from '@stash/cache';
import { SessionModule } from '@stash/session';
import { AuthModule } from './auth/auth.module.js';
import { RecipesModule } from './recipes/recipes.module.js';
import { cookbookSessionOptions } from './session-options.js';

const redisUrl = (): string => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The cookbook: Redis at REDIS_URL (default redis://127.0.0.1:6379), or CACHE_STORE=memory to run the cache
 * without it. Sessions always need Redis; they are signed with SESSION_SECRET.
 */
@Module({
  imports: [
    CacheModule.forRootAsync({
      isGlobal: true,
      useFactory: () => ({
        store: process.env.CACHE_STORE === 'memory' ? 'memory' : 'redis',
        ...(process.env.CACHE_STORE === 'memory' ? {} : { url: redisUrl() }),
        keyPrefix: 'cookbook',
      }),
    }),
    SessionModule.forRootAsync({
      isGlobal: true,
      useFactory: () => cookbookSessionOptions(process.env, redisUrl()),
    }),
    RecipesModule,
    AuthModule,
  ],
})
export class AppModule {}
