import { CacheError } from './cache.error.js';

/**
 * Thrown when Redis cannot be reached (refused, reset, timed out, or the circuit breaker is open) and the
 * operation may not fail open: every operation when `failOpen` is false; locks and tag invalidation always.
 */
export class CacheUnavailableError extends CacheError {
  constructor(
    readonly cache: string,
    readonly operation: string,
    options?: ErrorOptions,
  ) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`Cache "${cache}" is unavailable for ${operation}${cause}.`, options);
  }
}
