import { SessionError } from './session.error.js';

/**
 * Thrown when the session holds a value that JSON cannot carry faithfully (a function, a BigInt, a Date, a Map,
 * a class instance, a cycle...). It is raised before anything is written, so the stored session is left intact.
 */
export class SessionSerializationError extends SessionError {
  constructor(
    readonly sessionId: string,
    /** Where the value is, e.g. `session.cart.addedAt`. */
    readonly path: string,
    reason: string,
  ) {
    super(
      `Cannot save session data: ${path} ${reason}. Session data must be JSON: strings, finite numbers, ` +
        'booleans, null, arrays and plain objects (store a Date as date.toISOString(), a BigInt as a string). ' +
        'Nothing was written; the stored session is unchanged.',
    );
  }
}
