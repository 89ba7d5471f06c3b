import { CacheError } from './cache.error.js';

/** Thrown by `getOrSet` when the loader runs longer than `loaderTimeout` and no stale value may be served. */
export class LoaderTimeoutError extends CacheError {
  constructor(
    readonly key: string,
    readonly timeoutSeconds: number,
  ) {
    super(`The loader for key ${JSON.stringify(key)} did not settle within ${timeoutSeconds}s.`);
  }
}
