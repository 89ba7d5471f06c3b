import { CacheError } from './cache.error.js';

/** Thrown by `incr`, `decr` and `incrVersion` when the key does not exist (Django raises `ValueError`). */
export class CacheKeyMissingError extends CacheError {
  constructor(readonly key: string) {
    super(`Cache key ${JSON.stringify(key)} does not exist; set it before incrementing it.`);
  }
}
