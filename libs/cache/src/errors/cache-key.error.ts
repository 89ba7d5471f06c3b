import { CacheError } from './cache.error.js';

/** Thrown when a key is not a non-empty string, or holds control characters. Nothing is read or written. */
export class CacheKeyError extends CacheError {
  constructor(
    readonly key: unknown,
    reason: string,
  ) {
    super(`Invalid cache key ${typeof key === 'string' ? JSON.stringify(key) : `(${typeof key})`}: ${reason}.`);
  }
}
