import { Module } from '@nestjs/common';
import { ConditionalModule } from '@nestjs/config';
import { APP_PIPE } from '@nestjs/core';
import { SessionModule } from '@stash/session';
import { AuthModule } from './auth/auth.module.js';
import { CookbookValidationPipe } from './common/cookbook-validation.pipe.js';
import { cookbookConfig } from './config/cookbook.config.js';
import { CookbookCoreModule } from './core.module.js';
import { CsrfModule } from './csrf/csrf.module.js';
import { FavoritesModule } from './favorites/favorites.module.js';
import { FixturesLoader } from './fixtures/fixtures-loader.js';
import { FixturesModule } from './fixtures/fixtures.module.js';
import { FoodsModule } from './foods/foods.module.js';
import { IngredientsModule } from './ingredients/ingredients.module.js';
import { OpsModule } from './ops/ops.module.js';
import { PagesModule } from './pages/pages.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { RecipesModule } from './recipes/recipes.module.js';
import { cookbookSessionOptions } from './session-options.js';
import { testHooksRequested } from './test-hooks/test-hooks-environment.js';
import { TestHooksModule } from './test-hooks/test-hooks.module.js';

/**
 * The cookbook: configuration from the environment (see config/environment.validation.ts), data in SQLite or
 * PostgreSQL (DATABASE_URL), the cache in Redis, memory or nowhere (CACHE_STORE), sessions in Redis (REDIS_URL).
 */
@Module({
  imports: [
    CookbookCoreModule,
    SessionModule.forRootAsync({ isGlobal: true, inject: [cookbookConfig.KEY], useFactory: cookbookSessionOptions }),
    FixturesModule,
    CsrfModule,
    AuthModule,
    FoodsModule,
    RecipesModule,
    IngredientsModule,
    FavoritesModule,
    OpsModule,
    PagesModule,
    RateLimitModule,
    // Test-only: decided once per process, from its environment (validated with the rest of the configuration).
    ConditionalModule.registerWhen(TestHooksModule, testHooksRequested, { debug: false }),
  ],
  providers: [
    // Here, in the root module, so that its bootstrap hook runs after every imported module's.
    FixturesLoader,
    {
      provide: APP_PIPE,
      useValue: new CookbookValidationPipe(),
    },
  ],
})
export class AppModule {}
