import { CacheError } from './cache.error.js';

/** Thrown when an operation does not apply to the stored value, such as `incr` on a value that is not an integer. */
export class CacheValueError extends CacheError {
  constructor(
    readonly key: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cache key ${JSON.stringify(key)}: ${reason}.`, options);
  }
}
