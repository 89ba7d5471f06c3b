import { CacheError } from './cache.error.js';

/** Thrown when an encoded value exceeds `maxValueBytes`. Nothing is written. */
export class CacheValueTooLargeError extends CacheError {
  constructor(
    readonly key: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(
      `The value for key ${JSON.stringify(key)} is ${bytes} bytes once encoded, over maxValueBytes (${maxBytes}); ` +
        'store something smaller or raise maxValueBytes.',
    );
  }
}
