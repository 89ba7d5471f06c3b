import { Injectable, UnsupportedMediaTypeException, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { isJsonRequest, isSafeMethod } from './json-request.js';

/**
 * CSRF protection of the JSON API: an unsafe request (POST, PUT, PATCH, DELETE) must say
 * `Content-Type: application/json`, bodiless ones included (`POST /api/recipes/1/favorite`, `DELETE`,
 * `POST /api/logout`), else 415. A cross-site page can send a form (urlencoded, multipart, text/plain) or a bodiless
 * request with the user's cookie and no CORS preflight; it cannot send `application/json` without one, and the
 * cookbook grants none. SameSite=Lax alone leaves same-site pages (another app on a sibling subdomain) and older
 * browsers able to. A middleware, so the request is refused before any work: no rate-limit count, no session read.
 */
@Injectable()
export class JsonWritesOnlyMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    if (!isSafeMethod(req.method) && !isJsonRequest(req)) {
      throw new UnsupportedMediaTypeException(
        `${req.method} requests to the API must send Content-Type: application/json, even without a body.`,
      );
    }
    next();
  }
}
