import { SessionError } from './session.error.js';

/**
 * Thrown when `durableDestroy` is on and fewer replicas than required acknowledged a session deletion within its
 * timeout. The master has deleted the session, but a failover now could bring it back, so the request is answered
 * 503 (a logout is confirmed only once it would survive a failover) and can be retried.
 */
export class SessionReplicationError extends SessionError {
  constructor(
    readonly acknowledged: number,
    readonly required: number,
    readonly timeoutMs: number,
  ) {
    super(
      `Only ${acknowledged} of ${required} replica(s) acknowledged a session deletion within ${timeoutMs} ms ` +
        '(durableDestroy); a failover now could restore the session.',
    );
  }
}
