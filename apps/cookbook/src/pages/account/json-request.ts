import type { Request } from 'express';

/**
 * Whether the request says its body is JSON. Read from the header itself: Express's `req.is()` answers null for a
 * request without a body, and a bodiless `POST /logout` with `Content-Type: application/json` is a JSON request.
 */
export function isJsonRequest(req: Request): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && type.split(';')[0]!.trim().toLowerCase() === 'application/json';
}
