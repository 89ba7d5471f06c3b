import { createHmac } from 'node:crypto';

/** One `Set-Cookie` header, parsed: the value and the attributes (names lower-cased, flags as `true`). */
export interface SetCookie {
  readonly name: string;
  readonly value: string;
  readonly attributes: Readonly<Record<string, string | true>>;
}

/** Every `Set-Cookie` header of a response (supertest's `response.headers`). */
export function setCookies(headers: Record<string, unknown>): SetCookie[] {
  const raw = headers['set-cookie'];
  const lines = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  return lines.map(parseSetCookie);
}

/** The `Set-Cookie` for `name`, or undefined when the response sets none. */
export function findSetCookie(headers: Record<string, unknown>, name: string): SetCookie | undefined {
  return setCookies(headers).find((cookie) => cookie.name === name);
}

export function parseSetCookie(line: string): SetCookie {
  const [pair = '', ...parts] = line.split(';').map((part) => part.trim());
  const eq = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of parts) {
    const at = part.indexOf('=');
    if (at === -1) attributes[part.toLowerCase()] = true;
    else attributes[part.slice(0, at).toLowerCase()] = part.slice(at + 1);
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
}

/** The `Cookie` request header that sends `cookie` back. */
export function cookieHeader(cookie: SetCookie): string {
  return `${cookie.name}=${cookie.value}`;
}

/**
 * A session id signed as express-session (cookie-signature) signs it: `s:<id>.<base64 HMAC-SHA256>`,
 * URL-encoded as it travels in a cookie. Lets tests forge cookies with a wrong secret.
 */
export function signedSessionCookie(sessionId: string, secret: string): string {
  const mac = createHmac('sha256', secret).update(sessionId).digest('base64').replace(/=+$/, '');
  return encodeURIComponent(`s:${sessionId}.${mac}`);
}

/** The session id inside a signed session cookie value (no verification). */
export function sessionIdOf(cookie: SetCookie): string {
  const decoded = decodeURIComponent(cookie.value);
  return decoded.slice(2, decoded.lastIndexOf('.'));
}
