import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { CACHE_PAGE_METADATA } from '../cache.constants.js';
import { cachePageOptions, type CachePageOptions } from '../http/page-route.js';

/**
 * Caches whole GET responses of a route or controller (Django's `cache_page`); needs `PageCacheInterceptor`.
 * The method's decorator overrides the controller's.
 * @param options the TTL in seconds, or `{ ttl, cache, keyPrefix, tags, staleWhileRevalidate }`.
 * @throws CacheArgumentError when an option is out of range (when the decorator is applied).
 * @example @CachePage({ ttl: 60, tags: ['recipes'], staleWhileRevalidate: 30 })
 */
export const CachePage = (options: number | CachePageOptions): CustomDecorator<string> =>
  SetMetadata(CACHE_PAGE_METADATA, cachePageOptions(options));
