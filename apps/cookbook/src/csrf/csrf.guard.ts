import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { SessionService } from '@stash/session';
import type { Request } from 'express';
import { CSRF_FIELD, CSRF_HEADER, matchesCsrfToken, type CsrfSession } from './csrf-token.js';
import { isJsonRequest, isSafeMethod } from './json-request.js';

/**
 * Django's CsrfViewMiddleware for the HTML forms: an unsafe request must carry the session's token in the `_csrf`
 * field (or the `X-CSRF-Token` header), else 403. The session cookie is already SameSite=Lax; the token also
 * covers same-site attackers and old browsers.
 *
 * JSON requests are exempt, and only they: a cross-site page cannot send `Content-Type: application/json` without
 * a CORS preflight, which the cookbook never grants, whereas forms (urlencoded, multipart, text/plain) and bodiless
 * requests need no preflight. The same reasoning is the whole of the API's protection (json-writes-only.middleware.ts).
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (isSafeMethod(req.method) || isJsonRequest(req)) return true;
    const body: unknown = req.body;
    const submitted =
      typeof body === 'object' && body !== null && CSRF_FIELD in body
        ? (body as Record<string, unknown>)[CSRF_FIELD]
        : req.get(CSRF_HEADER);
    const session = await this.sessions.load<CsrfSession>(req);
    if (!matchesCsrfToken(session, submitted)) {
      throw new ForbiddenException('CSRF token missing or incorrect: reload the form and submit it again.');
    }
    return true;
  }
}
