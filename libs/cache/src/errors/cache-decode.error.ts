import { CacheError } from './cache.error.js';

/**
 * A stored value that this cache cannot decode (another codec, another Stash version, or not written by
 * Stash). Reads treat it as a miss and log a warning; it never reaches callers.
 */
export class CacheDecodeError extends CacheError {
  constructor(reason: string, options?: ErrorOptions) {
    super(`Stored value cannot be decoded: ${reason}.`, options);
  }
}
