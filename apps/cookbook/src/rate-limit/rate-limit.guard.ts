import {
  Inject,
  Injectable,
  ServiceUnavailableException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { CacheUnavailableError } from '@stash/cache';
import { SessionService } from '@stash/session';
import type { Request, Response } from 'express';
import type { CookbookConfig } from '../config/cookbook-config.interface.js';
import { InjectCookbookConfig } from '../config/cookbook.config.js';
import { RATE_LIMIT_METADATA, RATE_LIMIT_STORAGE } from './rate-limit.constants.js';
import { apiWriteTracker, loginTracker, RATE_LIMIT_WINDOW_MS, type RateLimitKind } from './rate-limit-rules.js';
import { TooManyRequestsException } from './too-many-requests.exception.js';

/**
 * The cookbook's rate limits, as a global guard: each route counts against the limit its `@RateLimit()` names
 * (sign-in attempts per client IP and username, writes per user); routes without one are not counted and never
 * reach the storage. Chosen by handler, not by path, so the add-recipe form counts against the same write limit
 * as `POST /api/recipes`, which it calls the same service as.
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
    @InjectCookbookConfig() private readonly config: CookbookConfig,
    private readonly sessions: SessionService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const kind = this.reflector.getAllAndOverride<RateLimitKind | undefined>(RATE_LIMIT_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (kind === undefined) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const limit = kind === 'login' ? this.config.rateLimits.login : this.config.rateLimits.apiWrite;
    const tracker = kind === 'login' ? loginTracker(req.ip, req.body) : await this.writer(req);
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
  private async writer(req: Request): Promise<string> {
    return apiWriteTracker(req.ip, await this.sessions.getUserId(req));
  }
}
