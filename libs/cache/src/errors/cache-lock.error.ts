import { CacheError } from './cache.error.js';

/** Thrown when a lock cannot be acquired within `blockingTimeout`, or is released or extended by a non-owner. */
export class CacheLockError extends CacheError {
  constructor(
    readonly lockName: string,
    reason: string,
  ) {
    super(`Lock ${JSON.stringify(lockName)}: ${reason}.`);
  }
}
