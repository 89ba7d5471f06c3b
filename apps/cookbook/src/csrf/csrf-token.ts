import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The session fields the CSRF protection keeps. */
export interface CsrfSession {
  csrfToken?: string;
}

/** Name of the hidden form field that carries the token (and of the header scripts may send it in). */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const TOKEN_BYTES = 32;

/** The session's CSRF token, created on first use (the session is then saved with it). */
export function csrfTokenOf(session: CsrfSession): string {
  session.csrfToken ??= randomBytes(TOKEN_BYTES).toString('base64url');
  return session.csrfToken;
}

/** A new token, as Django rotates it at login: a token seen before signing in is worthless after. */
export function rotateCsrfToken(session: CsrfSession): string {
  delete session.csrfToken;
  return csrfTokenOf(session);
}

/** Whether `submitted` is the session's token, compared in constant time. */
export function matchesCsrfToken(session: CsrfSession, submitted: unknown): boolean {
  const expected = session.csrfToken;
  if (typeof expected !== 'string' || typeof submitted !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
