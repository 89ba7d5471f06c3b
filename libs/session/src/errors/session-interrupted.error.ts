import { SessionError } from './session.error.js';

/**
 * Thrown when a request saves a session that another request deleted meanwhile (a logout, "log out other
 * devices"). The session is not recreated. Answered with `SessionInterruptedException` (400), as Django's
 * `SessionInterrupted`.
 */
export class SessionInterruptedError extends SessionError {
  constructor(readonly sessionId: string) {
    super(
      'The session was deleted while this request was running (the user may have logged out in a concurrent ' +
        'request); its changes were not saved and the session was not recreated.',
    );
  }
}
