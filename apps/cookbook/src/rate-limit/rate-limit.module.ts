import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CacheService, CacheThrottlerStorage } from '@stash/cache';
import { rateLimitsFromEnv } from './rate-limit-config.js';
import { RATE_LIMIT_STORAGE, RATE_LIMITS } from './rate-limit.constants.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/**
 * Rate limits on sign-in attempts and API writes (see rate-limit-rules.ts; LOGIN_RATE_LIMIT and
 * API_WRITE_RATE_LIMIT per minute), as a global guard: no route needs a decorator, and a new API write route is
 * limited from the start. Counted in Redis with `CacheThrottlerStorage`, so every app instance shares the counts.
 */
@Module({
  providers: [
    // Read when the app is built, like the rest of the configuration.
    { provide: RATE_LIMITS, useFactory: () => rateLimitsFromEnv(process.env) },
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [CacheService],
      useFactory: (cache: CacheService) => new CacheThrottlerStorage(cache),
    },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class RateLimitModule {}
