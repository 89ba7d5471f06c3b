import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { isConnectivityError } from '@stash/cache';
import { Redis } from 'ioredis';
import type { CookbookConfig } from '../../config/cookbook-config.interface.js';
import { InjectCookbookConfig } from '../../config/cookbook.config.js';

/** Per-command bound: counting a view must never hold a page longer than this. */
export const VIEWS_COMMAND_TIMEOUT_MS = 250;
/** After a connectivity fault, calls skip Redis for this long, so a stalled server costs one timeout, not one per call. */
export const VIEWS_COOLDOWN_MS = 1_000;

/**
 * The Redis connection of the view counts. Its own connection, because neither @stash/cache nor @stash/session
 * exposes its ioredis client; it also keeps counting with CACHE_STORE=memory or dummy (a count is data, not a
 * cache entry). Settings as Stash's: no offline queue and a short command timeout, so a down or stalled Redis
 * costs a page at most `VIEWS_COMMAND_TIMEOUT_MS`, and callers fail open.
 */
@Injectable()
export class ViewsRedis implements OnApplicationShutdown {
  readonly client: Redis;
  readonly keyPrefix: string;
  private readonly logger = new Logger('CookbookViews');
  private failing = false;
  private failures = 0;
  private skipUntil = 0;

  constructor(@InjectCookbookConfig() config: CookbookConfig) {
    this.keyPrefix = config.cacheKeyPrefix;
    this.client = new Redis(config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: VIEWS_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2_000),
      connectionName: 'cookbook:views',
    });
    // Reported through `failed()` when a command fails; an unhandled 'error' event would crash the process.
    this.client.on('error', () => undefined);
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
      const result = await command();
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

  async onApplicationShutdown(): Promise<void> {
    if (this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
