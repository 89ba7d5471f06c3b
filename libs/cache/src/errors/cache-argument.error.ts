import { CacheError } from './cache.error.js';

/** Thrown when an argument of a cache call is out of range (a delta, a glob, a duration option). */
export class CacheArgumentError extends CacheError {
  constructor(
    readonly operation: string,
    readonly argument: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(
      `${operation}: invalid ${argument} ${typeof value === 'string' ? JSON.stringify(value) : String(value)}; expected ${expected}.`,
    );
  }
}
