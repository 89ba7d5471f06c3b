import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { CACHE_KEY_METADATA } from '../cache.constants.js';
import type { PageKeySource } from '../http/page-route.js';

/**
 * Caches the page under an explicit key instead of its URL. Vary still applies: the variants of the key are
 * told apart by the headers the response varies on. Drop them with `PageCache.invalidateKey(key)`.
 * @param key a fixed key, or a function of the request.
 * @example @CacheKey((request) => `recipe:${request.params.id}`)
 */
export const CacheKey = (key: PageKeySource): CustomDecorator<string> => SetMetadata(CACHE_KEY_METADATA, key);
