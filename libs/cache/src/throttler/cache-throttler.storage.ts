import type { ThrottlerStorage } from '@nestjs/throttler';
import type { CacheService } from '../cache.service.js';
import type { CacheContext } from '../entries/cache-context.js';
import type { CacheThrottlerStorageOptions } from './cache-throttler-options.interface.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import { CacheConfigError } from '../errors/cache-config.error.js';
import { CacheUnavailableError } from '../errors/cache-unavailable.error.js';
import { errorMessage } from '../errors/error-message.js';

// The package's index does not export the record type.
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const OPERATION = 'throttle';
const OPTION_NAMES = new Set(['failOpen']);

/**
 * `@nestjs/throttler` storage on a Stash cache: a fixed window per throttler and tracker, counted atomically in
 * one round trip (a Lua script) and shared by every app instance on the same Redis and key prefix. On the
 * memory and dummy stores the counters live in process memory (a limit never vanishes because caching is off).
 * Redis unreachable: `increment` throws `CacheUnavailableError` (map it to 503), or with `failOpen` lets the
 * request through.
 * @example
 * ThrottlerModule.forRootAsync({
 *   inject: [CacheService],
 *   useFactory: (cache: CacheService) => ({ throttlers: [{ ttl: 60_000, limit: 10 }], storage: new CacheThrottlerStorage(cache) }),
 * })
 */
export class CacheThrottlerStorage implements ThrottlerStorage {
  private readonly context: CacheContext;
  private readonly failOpen: boolean;
  private letThrough = 0;

  /**
   * @param cache the cache whose store, key prefix, command timeout and circuit breaker the counters use.
   * @throws CacheConfigError for an unknown or ill-typed option.
   */
  constructor(cache: CacheService, options: CacheThrottlerStorageOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new CacheConfigError('throttler', options, 'an object of options');
    }
    for (const [name, value] of Object.entries(options)) {
      if (!OPTION_NAMES.has(name)) throw new CacheConfigError(`throttler.${name}`, value, 'failOpen');
    }
    if (options.failOpen !== undefined && typeof options.failOpen !== 'boolean') {
      throw new CacheConfigError('throttler.failOpen', options.failOpen, 'a boolean');
    }
    this.context = cache.internals;
    this.failOpen = options.failOpen ?? false;
  }

  /**
   * Counts one request of `key` under the throttler `throttlerName`.
   * @param ttl window length in milliseconds (as `@nestjs/throttler` 6 passes it).
   * @param limit requests allowed per window.
   * @param blockDuration milliseconds a key stays blocked once over the limit; 0 blocks until the window ends.
   * @returns hits in the window, and seconds until the window (`timeToExpire`) and the block
   *   (`timeToBlockExpire`, the `Retry-After` value) end.
   * @throws CacheUnavailableError when Redis is unreachable (unless `failOpen`); CacheArgumentError for a
   *   non-positive `ttl`, a negative `limit` or `blockDuration`; CacheKeyError for an empty key or a bad name.
   */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const ttlMs = wholeMs('ttl', ttl, 1);
    const blockMs = wholeMs('blockDuration', blockDuration, 0);
    if (typeof limit !== 'number' || Number.isNaN(limit) || limit < 0) {
      throw new CacheArgumentError(OPERATION, 'limit', limit, 'a number of requests >= 0');
    }
    const { keys, guard, store } = this.context;
    const storedKey = keys.throttle(throttlerName, key);
    const max = Math.min(Math.floor(limit), Number.MAX_SAFE_INTEGER);
    try {
      const hit = await guard.runStrict(OPERATION, () => store.throttle(storedKey, ttlMs, max, blockMs));
      this.recovered();
      return {
        totalHits: hit.totalHits,
        timeToExpire: seconds(hit.ttlMs),
        isBlocked: hit.blocked,
        timeToBlockExpire: hit.blocked ? seconds(hit.blockMs) : 0,
      };
    } catch (error) {
      if (!this.failOpen || !(error instanceof CacheUnavailableError)) throw error;
      return this.pass(throttlerName, error, ttlMs);
    }
  }

  private pass(throttlerName: string, error: CacheUnavailableError, ttlMs: number): ThrottlerStorageRecord {
    const { stats, logger, options } = this.context;
    stats.throttlerFailOpens++;
    if (this.letThrough++ === 0) {
      logger.warn(
        `Cache "${options.name}": rate limit "${throttlerName}" not enforced, Redis unavailable ` +
          `(${errorMessage(error.cause)}); letting requests through (failOpen) until it answers again.`,
      );
    }
    return { totalHits: 0, timeToExpire: seconds(ttlMs), isBlocked: false, timeToBlockExpire: 0 };
  }

  private recovered(): void {
    if (this.letThrough === 0) return;
    const { logger, options } = this.context;
    logger.log(`Cache "${options.name}": rate limits enforced again after ${this.letThrough} request(s) let through.`);
    this.letThrough = 0;
  }
}

function wholeMs(argument: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new CacheArgumentError(OPERATION, argument, value, `milliseconds >= ${min}`);
  }
  return Math.ceil(value);
}

/** The guard's unit for `timeTo*` (it sends them as `Retry-After` and `X-RateLimit-Reset`): whole seconds, up. */
function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}
