import { Inject } from '@nestjs/common';
import { CACHE_TOKEN_PREFIX, DEFAULT_CACHE_NAME } from '../cache.constants.js';
import { CacheService } from '../cache.service.js';

/** DI token of the cache called `name` (`CacheService` itself for `default`). */
export function getCacheToken(name: string): string | typeof CacheService {
  return name === DEFAULT_CACHE_NAME ? CacheService : `${CACHE_TOKEN_PREFIX}${name}`;
}

/**
 * Injects the cache called `name`, configured under `caches` in `CacheModule.forRoot`.
 * @example constructor(@InjectCache('sessions') private readonly sessions: CacheService) {}
 */
export const InjectCache = (name: string = DEFAULT_CACHE_NAME): ParameterDecorator & PropertyDecorator =>
  Inject(getCacheToken(name));
