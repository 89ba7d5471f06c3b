import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SessionLifecycle } from './session-lifecycle.js';

// Installed on every route by `SessionModule`; it only attaches the request (no I/O).
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  constructor(private readonly lifecycle: SessionLifecycle) {}

  use(req: Request, res: Response, next: NextFunction): void {
    this.lifecycle.attach(req, res);
    next();
  }
}
