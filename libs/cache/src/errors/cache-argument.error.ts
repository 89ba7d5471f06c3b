import { CacheError } from './cache.error.js';
import { describeValue } from './describe-value.js';

/** Thrown when an argument of a cache call is out of range (a delta, a glob, a duration option). */
export class CacheArgumentError extends CacheError {
  constructor(
    readonly operation: string,
    readonly argument: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${operation}: invalid ${argument} ${describeValue(value)}; expected ${expected}.`);
  }
}
