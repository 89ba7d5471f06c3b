import { CacheError } from './cache.error.js';

/** Thrown when the codec cannot encode a value faithfully. Nothing is written. */
export class CacheSerializationError extends CacheError {
  constructor(
    readonly key: string,
    readonly codec: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot store the value for key ${JSON.stringify(key)} with the ${codec} codec: ${reason}.`, options);
  }
}
