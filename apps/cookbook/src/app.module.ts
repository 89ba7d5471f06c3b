import { Module } from '@nestjs/common';
import { CacheModule } from '@stash/cache';
import { RecipesModule } from './recipes/recipes.module.js';

/** The cookbook: Redis at REDIS_URL (default redis://127.0.0.1:6379), or CACHE_STORE=memory to run without it. */
@Module({
  imports: [
    CacheModule.forRootAsync({
      isGlobal: true,
      useFactory: () => ({
        store: process.env.CACHE_STORE === 'memory' ? 'memory' : 'redis',
        ...(process.env.CACHE_STORE === 'memory' ? {} : { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }),
        keyPrefix: 'cookbook',
      }),
    }),
    RecipesModule,
  ],
})
export class AppModule {}
