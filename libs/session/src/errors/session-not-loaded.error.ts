import { SessionError } from './session.error.js';
import { NOT_LOADED_HINT } from './messages.js';

/**
 * Thrown when `req.session` is read on a route where `@stash/session` did not load it: sessions are loaded
 * lazily, only for handlers that declare they use them, so that routes without a session never touch Redis.
 */
export class SessionNotLoadedError extends SessionError {
  constructor(reason: string) {
    super(`req.session is not available: ${reason}. ${NOT_LOADED_HINT}`);
  }
}
