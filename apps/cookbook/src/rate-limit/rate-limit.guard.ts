import {
  Inject,
  Injectable,
  ServiceUnavailableException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { CacheUnavailableError } from '@stash/cache';
import { SessionService } from '@stash/session';
import type { Request, Response } from 'express';
import type { RateLimits } from './rate-limit-config.js';
import { RATE_LIMIT_STORAGE, RATE_LIMITS } from './rate-limit.constants.js';
import {
  apiWriteTracker,
  loginTracker,
  RATE_LIMIT_WINDOW_MS,
  throttledRequest,
  type ThrottledRequest,
} from './rate-limit-rules.js';
import { TooManyRequestsException } from './too-many-requests.exception.js';

/**
 * The cookbook's rate limits, as a global guard: sign-in attempts per client IP and username, API writes per user
 * (see rate-limit-rules.ts); other requests are not counted and never reach the storage.
 *
 * It does what @nestjs/throttler's `ThrottlerGuard` does (a fixed window per tracker, `X-RateLimit-*` headers, 429
 * with `Retry-After` while blocked) against the same `ThrottlerStorage` contract, counted in Redis by Stash's
 * `CacheThrottlerStorage`. It is not a `ThrottlerGuard` subclass because @nestjs/throttler is CommonJS requiring the
 * ESM-only @nestjs/common 12, which Jest's ESM runtime (every cookbook e2e suite) cannot load; only its types are
 * used. Unlike the stock guard it sends a plain `Retry-After` (not `Retry-After-<throttler>`), and an unreachable
 * Redis answers 503: a limit that cannot be checked fails closed.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage,
    @Inject(RATE_LIMITS) private readonly limits: RateLimits,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const kind = throttledKindOf(req);
    if (kind === undefined) return true;
    const limit = kind === 'login' ? this.limits.login : this.limits.apiWrite;
    const tracker = kind === 'login' ? loginTracker(req.ip, req.body) : await this.apiWriter(req);
    let record: Awaited<ReturnType<ThrottlerStorage['increment']>>;
    try {
      record = await this.storage.increment(tracker, RATE_LIMIT_WINDOW_MS, limit, RATE_LIMIT_WINDOW_MS, kind);
    } catch (error) {
      if (error instanceof CacheUnavailableError) {
        throw new ServiceUnavailableException('Rate limiting is unavailable (Redis unreachable): try again shortly.');
      }
      throw error;
    }
    const res = context.switchToHttp().getResponse<Response>();
    if (record.isBlocked) {
      // Seconds (RFC 9110 §10.2.3), never 0 while blocked.
      res.setHeader('Retry-After', Math.max(1, Math.ceil(record.timeToBlockExpire)));
      throw new TooManyRequestsException();
    }
    res.setHeader('X-RateLimit-Limit', limit);
    res.setHeader('X-RateLimit-Remaining', Math.max(0, limit - record.totalHits));
    res.setHeader('X-RateLimit-Reset', record.timeToExpire);
    return true;
  }

  // Writes need a session anyway: with Redis down this answers 503 (SessionUnavailableException), as the write would.
  private async apiWriter(req: Request): Promise<string> {
    return apiWriteTracker(req.ip, await this.sessions.getUserId(req));
  }
}

/** The limit a request falls under, from its method and matched route pattern (`/api/recipes/:id`). */
function throttledKindOf(req: Request): ThrottledRequest | undefined {
  const route: unknown = req.route?.path;
  return throttledRequest(req.method, typeof route === 'string' ? route : req.path);
}
