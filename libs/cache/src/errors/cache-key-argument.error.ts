import { CacheError } from './cache.error.js';

/**
 * Thrown when a value cannot become part of a cache key: an argument of a `@Cached` method, or a vary-on value of
 * a template fragment. Functions, symbols, circular references, invalid Dates and class instances other than
 * `Date` (Maps, Sets, Buffers, ORM entities) are refused rather than silently dropped or stringified, which would
 * let two different calls share one entry. Nothing is read, run or written.
 */
export class CacheKeyArgumentError extends CacheError {
  constructor(
    /** What the key was being built for: `RecipesService.find` or `fragment "sidebar"`. */
    readonly target: string,
    /** Position of the offending value in the argument (or vary-on) list, from 0. */
    readonly index: number,
    /** Where inside that value the problem is, e.g. `argument 1.owner.save`. */
    readonly path: string,
    reason: string,
    hint: string,
  ) {
    super(`Cannot build the cache key of ${target}: ${path} ${reason}; ${hint}.`);
  }
}
