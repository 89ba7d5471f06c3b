import { createHmac } from 'node:crypto';
import type { Cookie } from 'express-session';
import { SessionArgumentError } from '../errors/session-argument.error.js';
import { readMeta } from '../session-meta.js';
import type { ResolvedSessionOptions } from '../session-options.js';

// A session's expiry: seconds of inactivity (0 = browser close), an absolute ISO date, or the module default.
export type ExpiryPolicy = number | string | undefined;

type ExpiryDefaults = Pick<ResolvedSessionOptions, 'ttl' | 'expireAtBrowserClose'>;

// Validates `setExpiry`'s argument (Django's `set_expiry`): seconds >= 0, a Date, or null for the default.
export function toExpiryPolicy(value: unknown): ExpiryPolicy {
  if (value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (value instanceof Date && Number.isFinite(value.getTime())) return value.toISOString();
  throw new SessionArgumentError(
    'setExpiry',
    'expiry',
    value,
    'whole seconds >= 0 (0 = when the browser closes), a valid Date, or null (the module default)',
  );
}

// Sets the cookie's expiry from the policy; a date stays absolute, seconds count from now.
export function applyExpiry(cookie: Cookie, policy: ExpiryPolicy, defaults: ExpiryDefaults): void {
  if (typeof policy === 'string') {
    cookie.expires = new Date(policy);
    return;
  }
  const seconds = policy ?? (defaults.expireAtBrowserClose ? 0 : defaults.ttl);
  // A null maxAge makes express-session's Cookie a browser-session cookie (no Expires attribute).
  cookie.maxAge = seconds === 0 ? (null as unknown as undefined) : seconds * 1000;
}

// Django's `get_expiry_age`: seconds until the session expires if it were saved now.
export function expiryAgeSeconds(policy: ExpiryPolicy, defaults: ExpiryDefaults, now: number): number {
  if (typeof policy === 'string') return Math.max(0, Math.floor((new Date(policy).getTime() - now) / 1000));
  // A browser-session cookie still has a server-side lifetime: the Redis entry expires after `ttl`.
  if (policy === undefined || policy === 0) return defaults.ttl;
  return policy;
}

// Applies the configured cookie attributes, so that changing them reaches sessions created before.
export function applyCookieAttributes(
  cookie: Cookie,
  attributes: ResolvedSessionOptions['cookie'],
  secureRequest: boolean,
): void {
  cookie.path = attributes.path;
  cookie.domain = attributes.domain;
  cookie.httpOnly = attributes.httpOnly;
  cookie.sameSite = attributes.sameSite === false ? undefined : attributes.sameSite;
  cookie.secure = attributes.secure === 'auto' ? secureRequest : attributes.secure;
}

// Makes the session's `touch()` (which express-session calls before every save and Set-Cookie) follow its expiry
// policy. express-session's own touch turns an absolute expiry into a sliding one.
export function installExpiryPolicy(session: { cookie: Cookie }, defaults: ExpiryDefaults): void {
  const touch = function (this: { cookie: Cookie }) {
    applyExpiry(this.cookie, readMeta(this)?.expiry, defaults);
    return this;
  };
  for (const name of ['touch', 'resetMaxAge']) {
    Object.defineProperty(session, name, { configurable: true, enumerable: false, writable: true, value: touch });
  }
}

// A session id signed as express-session signs it (cookie-signature: `s:<id>.<base64 HMAC-SHA256>`).
export function signSessionId(sessionId: string, secret: string): string {
  const mac = createHmac('sha256', secret).update(sessionId).digest('base64').replace(/=+$/, '');
  return `s:${sessionId}.${mac}`;
}
