import { CacheError } from '../../errors/cache.error.js';

/**
 * Thrown at bootstrap when a `@CachePage({ edge: true })` route cannot be answered before the router: something
 * that must run on every request would not run for its edge hits, or the edge has nothing to stay coherent with.
 */
export class PageEdgeError extends CacheError {
  constructor(
    /** The route, as `Controller.method`. */
    readonly route: string,
    /** What stands in the way. */
    readonly reason: string,
    fix: string,
  ) {
    super(`@CachePage({ edge: true }) on ${route} cannot be served before the router: ${reason}. ${fix}`);
  }
}
