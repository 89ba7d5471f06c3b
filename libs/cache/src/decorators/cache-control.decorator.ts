import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { CACHE_CONTROL_METADATA } from '../cache.constants.js';
import type { CacheControlOptions } from '../http/cache-control.js';
import { cacheControlMetadata } from '../http/page-route.js';

/**
 * Merges directives into the response's `Cache-Control` header (Django's `cache_control`); needs
 * `PageCacheInterceptor`. `private` and `public` replace each other; of two `max-age`s the smaller wins.
 * @throws CacheArgumentError when a duration is not whole seconds >= 0.
 * @example @CacheControl({ maxAge: 3600, public: true })
 */
export const CacheControl = (options: CacheControlOptions): CustomDecorator<string> =>
  SetMetadata(CACHE_CONTROL_METADATA, cacheControlMetadata(options));
