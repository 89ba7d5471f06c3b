import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { NEVER_CACHE_METADATA } from '../cache.constants.js';

/**
 * Marks the response as never cacheable (Django's `never_cache`): `Expires` now and
 * `Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private`. Needs `PageCacheInterceptor`.
 */
export const NeverCache = (): CustomDecorator<string> => SetMetadata(NEVER_CACHE_METADATA, true);
