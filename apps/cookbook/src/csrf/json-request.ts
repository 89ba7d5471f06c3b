import type { Request } from 'express';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a request with this method may not change state (RFC 9110 §9.2.1), so needs no CSRF protection. */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** Whether a Content-Type header value names JSON (`application/json`, any parameters, any case). */
export function isJsonContentType(type: string | undefined): boolean {
  return typeof type === 'string' && type.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/**
 * Whether the request says its body is JSON. Read from the header itself: Express's `req.is()` answers null for a
 * request without a body, and a bodiless `POST /logout` with `Content-Type: application/json` is a JSON request.
 */
export function isJsonRequest(req: Request): boolean {
  return isJsonContentType(req.headers['content-type']);
}
