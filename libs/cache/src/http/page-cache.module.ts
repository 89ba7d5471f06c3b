import { Module } from '@nestjs/common';
import { ConfigurablePageCacheModule } from './page-cache.module-definition.js';
import { PageCache } from './page-cache.service.js';
import { PageCacheInterceptor } from './page-cache.interceptor.js';

/**
 * Page caching for `@CachePage` routes: `PageCacheModule.forRoot({ allowedHosts: ['example.com'] })`, then
 * `PageCacheInterceptor` globally (`APP_INTERCEPTOR`) or per route (`@UseInterceptors`). Pages live in the
 * caches `CacheModule` configures.
 */
@Module({
  providers: [PageCache, PageCacheInterceptor],
  exports: [PageCache, PageCacheInterceptor],
})
export class PageCacheModule extends ConfigurablePageCacheModule {}
