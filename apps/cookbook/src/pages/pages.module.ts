import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PageCacheInterceptor, PageCacheModule } from '@stash/cache';
import { SessionModule } from '@stash/session';
import { AuthModule } from '../auth/auth.module.js';
import type { CookbookConfig } from '../config/cookbook-config.interface.js';
import { cookbookConfig, InjectCookbookConfig } from '../config/cookbook.config.js';
import { CsrfModule } from '../csrf/csrf.module.js';
import { FavoritesModule } from '../favorites/favorites.module.js';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard.js';
import { RecipesModule } from '../recipes/recipes.module.js';
import { LoginPageController } from './account/login-page.controller.js';
import { LoginRequiredGuard } from './account/login-required.guard.js';
import { DashboardController } from './dashboard/dashboard.controller.js';
import { liquidEngineProvider } from './liquid/liquid-engine.provider.js';
import { PageRenderer } from './liquid/page-renderer.service.js';
import { bindPageOptions } from './page-ttl.js';
import { CountRecipeViewGuard } from './popularity/count-view.guard.js';
import { PopularController } from './popularity/popular.controller.js';
import { PopularRecipes } from './popularity/popular-recipes.service.js';
import { RecipeNames } from './popularity/recipe-names.js';
import { RecipeViews } from './popularity/recipe-views.service.js';
import { ViewsRedis } from './popularity/views-redis.js';
import { RecipePagesController } from './recipes/recipe-pages.controller.js';

const PAGE_CONTROLLERS = [RecipePagesController, DashboardController];

/**
 * The HTML side of the cookbook: recipe pages, the login form, the dashboard, the add-recipe form, and view
 * counting with `GET /api/popular`. Registers the page cache (`PageCacheModule`, its interceptor globally) for
 * the whole app; with CACHE_NEAR=1, `/cookbook/` is also answered before the router (the page cache's edge).
 */
@Module({
  imports: [
    PageCacheModule.forRootAsync({
      inject: [cookbookConfig.KEY],
      useFactory: (config: CookbookConfig) => ({
        allowedHosts: [...config.allowedHosts],
        // The global enhancers edge hits skip (`/cookbook/` with CACHE_NEAR=1). Safe for the anonymous GET/HEAD of
        // a public page the edge answers: RateLimitGuard counts only routes marked @RateLimit (none is edge);
        // SessionModule's guard loads the session only for handlers that use it (no edge page does) and its
        // interceptor saves only a session that changed (a request without a cookie has none).
        edge: { skip: [RateLimitGuard, SessionModule] },
      }),
    }),
    AuthModule,
    CsrfModule,
    RecipesModule,
    FavoritesModule,
  ],
  controllers: [...PAGE_CONTROLLERS, LoginPageController, PopularController],
  providers: [
    { provide: APP_INTERCEPTOR, useClass: PageCacheInterceptor },
    liquidEngineProvider,
    PageRenderer,
    ViewsRedis,
    RecipeViews,
    RecipeNames,
    PopularRecipes,
    CountRecipeViewGuard,
    LoginRequiredGuard,
  ],
})
export class PagesModule {
  constructor(@InjectCookbookConfig() config: CookbookConfig) {
    bindPageOptions(PAGE_CONTROLLERS, { ttl: config.cacheTtl, edge: config.cacheNear });
  }
}
