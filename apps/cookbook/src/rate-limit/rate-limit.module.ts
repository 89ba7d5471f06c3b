import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CacheThrottlerStorage, getCacheToken, type CacheService } from '@stash/cache';
import { RATE_LIMIT_CACHE, RATE_LIMIT_STORAGE } from './rate-limit.constants.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/**
 * Rate limits on the routes marked `@RateLimit('login')` (LOGIN_RATE_LIMIT a minute per client IP and username)
 * and `@RateLimit('api-write')` (API_WRITE_RATE_LIMIT a minute per user), as a global guard. Counted with
 * `CacheThrottlerStorage` in the `rate-limit` cache, which is always Redis (see cache/cache-options.ts): with
 * CACHE_STORE=memory the counts would otherwise be per process, and N instances would allow N times the limit.
 */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [getCacheToken(RATE_LIMIT_CACHE)],
      useFactory: (cache: CacheService) => new CacheThrottlerStorage(cache),
    },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class RateLimitModule {}
