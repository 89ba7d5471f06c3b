import { CacheError } from './cache.error.js';

/**
 * Thrown when a call of a `@Cached` method cannot be cached as declared: the method returned something other
 * than a Promise, or the `key` or `tags` function returned something other than a key or a list of tags.
 * Nothing is stored.
 */
export class CachedMethodError extends CacheError {
  constructor(
    /** Name of the provider's class. */
    readonly className: string,
    /** Name of the decorated method. */
    readonly methodName: string,
    reason: string,
  ) {
    super(`@Cached ${className}.${methodName}: ${reason}.`);
  }
}
