import { SessionError } from './session.error.js';

/**
 * Thrown when a save lost the compare-and-set race too many times in a row (many concurrent requests writing
 * one session). Nothing was written; the request is answered 503 and can be retried.
 */
export class SessionContentionError extends SessionError {
  constructor(
    readonly sessionId: string,
    readonly attempts: number,
  ) {
    super(
      `The session changed under this request ${attempts} times in a row while it was being saved; nothing was written.`,
    );
  }
}
