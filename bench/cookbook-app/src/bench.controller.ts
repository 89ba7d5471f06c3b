import { CacheInterceptor as NestCacheInterceptor } from '@nestjs/cache-manager';
import { Controller, Get, Header, UseInterceptors, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HTML } from '../../../apps/cookbook/src/pages/page-headers.js';
import { RecipePagesController } from '../../../apps/cookbook/src/pages/recipes/recipe-pages.controller.js';

/**
 * The benchmark's routes on the cookbook app. Both serve what the cookbook's `GET /cookbook/` handler renders,
 * by calling that very handler method (its `@CachePage` metadata is only read by the page cache's interceptor,
 * which a direct call does not go through).
 */
@Controller('bench')
export class BenchController implements OnApplicationBootstrap {
  private recipePages!: RecipePagesController;
  private page = '';

  constructor(private readonly moduleRef: ModuleRef) {}

  // After the cookbook's own bootstrap hooks (the fixtures loader's among them): this is the root module.
  async onApplicationBootstrap(): Promise<void> {
    this.recipePages = this.moduleRef.get(RecipePagesController, { strict: false });
    this.page = await this.recipePages.index();
  }

  /** The ceiling: the `/cookbook/` page rendered once at startup, returned as a constant string. */
  @Get('constant')
  @Header('Content-Type', HTML)
  constant(): string {
    return this.page;
  }

  /** `/cookbook/`'s handler under @nestjs/cache-manager's `CacheInterceptor` (key: the URL). */
  @Get('cache-manager')
  @Header('Content-Type', HTML)
  @UseInterceptors(NestCacheInterceptor)
  cacheManager(): Promise<string> {
    return this.recipePages.index();
  }
}
