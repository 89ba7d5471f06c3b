import { Injectable, Logger } from '@nestjs/common';
import { CACHE_DEFAULTS, CacheService, InjectCache, isConnectivityError, withinCommandTimeout } from '@stash/cache';
import type { Cluster, Redis } from 'ioredis';
import type { CookbookConfig } from '../../config/cookbook-config.interface.js';
import { InjectCookbookConfig } from '../../config/cookbook.config.js';
import { RATE_LIMIT_CACHE } from '../../rate-limit/rate-limit.constants.js';

/** After a connectivity fault, calls skip Redis for this long, so a stalled server costs one timeout, not one per call. */
export const VIEWS_COOLDOWN_MS = 1_000;

/**
 * The Redis connection of the view counts: the default cache's own client (`CacheService.client`) when the cache is
 * on Redis, so the counts cost no connection of their own. Its settings are the cache's: no offline queue, and each
 * command is bounded by the cache's `commandTimeout` (500 ms, `withinCommandTimeout`), so a down or stalled Redis
 * costs a page at most that, and callers fail open. The commands bypass the cache's key prefix, fail-open and
 * breaker, which is why keys come from `popularity-keys.ts` and every call goes through `failOpen` here.
 *
 * With CACHE_STORE=memory or dummy the cache has no client, but counting goes on (a count is data, not a cache
 * entry): the counts then use the rate-limit cache's client, which is always on the configured Redis (one server,
 * a Cluster or behind sentinels).
 */
@Injectable()
export class ViewsRedis {
  readonly client: Redis | Cluster;
  readonly keyPrefix: string;
  private readonly logger = new Logger('CookbookViews');
  private failing = false;
  private failures = 0;
  private skipUntil = 0;

  constructor(
    @InjectCookbookConfig() config: CookbookConfig,
    cache: CacheService,
    @InjectCache(RATE_LIMIT_CACHE) rateLimits: CacheService,
  ) {
    this.keyPrefix = config.cacheKeyPrefix;
    this.client = cache.client ?? rateLimits.client!;
  }

  /**
   * Runs a command and returns `fallback` instead of failing when Redis cannot be reached (logged once per outage,
   * with the count when it ends), and at once, without trying, for `VIEWS_COOLDOWN_MS` after such a fault. Other
   * errors (a bug: WRONGTYPE, a bad argument) are thrown.
   */
  async failOpen<T>(operation: string, command: () => Promise<T>, fallback: T): Promise<T> {
    if (Date.now() < this.skipUntil) {
      this.failures++;
      return fallback;
    }
    try {
      const result = await withinCommandTimeout(command(), CACHE_DEFAULTS.commandTimeout);
      if (this.failing) {
        this.failing = false;
        this.logger.log(`View counts reachable again after ${this.failures} failed operation(s).`);
      }
      return result;
    } catch (error) {
      if (!isConnectivityError(error)) throw error;
      this.skipUntil = Date.now() + VIEWS_COOLDOWN_MS;
      this.failures = this.failing ? this.failures + 1 : 1;
      if (!this.failing) {
        this.failing = true;
        this.logger.warn(`View counts unavailable during ${operation}: ${(error as Error).message}; pages go on.`);
      }
      return fallback;
    }
  }
}
