import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { HttpMetrics } from './http.metrics.js';

// A middleware rather than an interceptor: it also sees the answers of guards (401, the sessions' 503), of the
// page cache's replays and of requests that matched no route. Aborted requests (no `finish`) are not recorded.
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: HttpMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const startedAt = process.hrtime.bigint();
    res.once('finish', () => this.metrics.observe(req, res, startedAt));
    next();
  }
}
