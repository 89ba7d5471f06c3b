import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PageEdgeInstaller } from './edge/page-edge.installer.js';
import { ConfigurablePageCacheModule } from './page-cache.module-definition.js';
import { PageCache } from './page-cache.service.js';
import { PageCacheInterceptor } from './page-cache.interceptor.js';

/**
 * Page caching for `@CachePage` routes: `PageCacheModule.forRoot({ allowedHosts: ['example.com'] })`, then
 * `PageCacheInterceptor` globally (`APP_INTERCEPTOR`) or per route (`@UseInterceptors`). Pages live in the
 * caches `CacheModule` configures. Routes marked `@CachePage({ edge: true })` are also answered before the router
 * (see `PageEdgeOptions`).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [PageCache, PageCacheInterceptor, PageEdgeInstaller],
  exports: [PageCache, PageCacheInterceptor],
})
export class PageCacheModule extends ConfigurablePageCacheModule {}
