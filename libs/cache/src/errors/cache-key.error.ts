import { CacheError } from './cache.error.js';
import { describeValue } from './describe-value.js';

/** Thrown when a key is not a non-empty string, or holds control characters. Nothing is read or written. */
export class CacheKeyError extends CacheError {
  constructor(
    readonly key: unknown,
    reason: string,
  ) {
    super(`Invalid cache key ${describeValue(key)}${typeof key === 'string' ? '' : ` (${typeof key})`}: ${reason}.`);
  }
}
