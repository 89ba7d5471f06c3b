import type { LoggerService } from '@nestjs/common';
import type { CacheStats } from '../cache-stats.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { isConnectivityError, isServerReply } from './connectivity-error.js';
import { CacheUnavailableError } from '../errors/cache-unavailable.error.js';

const BREAKER_OPEN = new Error('circuit breaker is open');

/** How a cache's parts send store commands: the cache's `FaultGuard`, or a `CallGuard` scoped to one call. */
export interface StoreGuard {
  readonly breaker: CircuitBreaker;
  run<T>(operation: string, call: () => Promise<T>, fallback: () => T, mayFailOpen?: boolean): Promise<T>;
  runStrict<T>(operation: string, call: () => Promise<T>): Promise<T>;
}

/**
 * Runs store calls behind the circuit breaker. A connectivity fault either returns the operation's fail-open
 * fallback or throws `CacheUnavailableError`; any other error is rethrown untouched. The first fault of a
 * streak is logged, the rest only counted, and the recovery is logged with the count.
 */
export class FaultGuard implements StoreGuard {
  readonly breaker: CircuitBreaker;
  private streak = 0;

  constructor(
    private readonly cache: string,
    private readonly failOpen: boolean,
    breaker: { readonly threshold: number; readonly cooldownMs: number },
    private readonly stats: CacheStats,
    private readonly logger: LoggerService,
  ) {
    this.breaker = new CircuitBreaker(breaker);
  }

  /** Runs `call`; on a connectivity fault returns `fallback()` when failing open is allowed, else throws. */
  run<T>(operation: string, call: () => Promise<T>, fallback: () => T, mayFailOpen = true): Promise<T> {
    if (!this.breaker.allow()) {
      try {
        return Promise.resolve(this.fault(operation, BREAKER_OPEN, fallback, mayFailOpen));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return call().then(
      (result) => {
        if (this.streak !== 0 || this.breaker.state !== 'closed') this.recovered();
        return result;
      },
      (error: unknown) => {
        if (!isConnectivityError(error)) {
          // The server answered (WRONGTYPE, a codec or value error): it is reachable, whatever the command's fate.
          if (isServerReply(error)) this.breaker.success();
          throw error;
        }
        this.breaker.failure();
        return this.fault(operation, error as Error, fallback, mayFailOpen);
      },
    );
  }

  /** Like `run`, but a fault always throws (locks, tag invalidation). */
  runStrict<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return this.run(operation, call, () => undefined as T, false);
  }

  /** Called when the connection becomes ready again: the next call need not wait for the cool-down. */
  connectionReady(): void {
    if (this.breaker.state !== 'closed') this.breaker.success();
  }

  private fault<T>(operation: string, error: Error, fallback: () => T, mayFailOpen: boolean): T {
    this.stats.errors++;
    if (this.streak++ === 0) {
      const outcome = this.failOpen && mayFailOpen ? 'failing open' : 'failing';
      this.logger.warn(
        `Cache "${this.cache}": Redis unavailable during ${operation} (${error.message}); ${outcome}. ` +
          'Further faults are counted until it recovers.',
      );
    }
    if (this.failOpen && mayFailOpen) return fallback();
    throw new CacheUnavailableError(this.cache, operation, { cause: error });
  }

  private recovered(): void {
    this.breaker.success();
    if (this.streak === 0) return;
    this.logger.log(`Cache "${this.cache}": Redis reachable again after ${this.streak} failed operation(s).`);
    this.streak = 0;
  }
}
