import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { CACHE_STATUS_HEADER } from '@stash/cache';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import { cacheServerTiming, CachedRead } from './cached-read.js';

/**
 * Answers the value of a handler that returns a `CachedRead`, with `X-Cache: HIT | MISS` and
 * `Server-Timing: cache;desc="<status>";dur=<ms>`, as the page cache states its own. Other results pass as they are.
 */
@Injectable()
export class CacheStatusInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof CachedRead)) return result;
        res.setHeader(CACHE_STATUS_HEADER, result.status);
        res.append('Server-Timing', cacheServerTiming(result.status, result.durationMs));
        return result.value as unknown;
      }),
    );
  }
}
