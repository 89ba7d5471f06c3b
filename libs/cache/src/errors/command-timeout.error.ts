/**
 * A Redis command got no reply within its timeout: the cache's `commandTimeout` for the commands Stash sends, or
 * the one given to `withinCommandTimeout`. A connectivity fault like ioredis's own "Command timed out" (the message
 * starts the same way), so it fails open where the operation may. Not a `CacheError`: it is a cause, wrapped in
 * `CacheUnavailableError` where the operation may not fail open.
 */
export class CommandTimeoutError extends Error {
  constructor(
    /** The timeout that passed, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(`Command timed out: no reply from Redis within ${timeoutMs} ms`);
    this.name = 'CommandTimeoutError';
  }
}
