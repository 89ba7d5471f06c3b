import { CacheError } from './cache.error.js';
import { describeValue } from './describe-value.js';

/** Thrown when a TTL is negative, not finite or not a number. TTLs are never coerced. */
export class CacheTtlError extends CacheError {
  constructor(readonly ttl: unknown) {
    super(
      `Invalid TTL ${describeValue(ttl)}: use a finite number of seconds >= 0 (0 = do not store), ` +
        'null (never expires) or undefined (the cache default).',
    );
  }
}
