import {
  HttpException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import { catchError, concatMap, type Observable } from 'rxjs';
import { SessionLifecycle } from './session-lifecycle.js';

/**
 * The global interceptor `SessionModule` registers: saves a changed session before the response is written, so that
 * a failed save answers 503 instead of a 200 whose changes were lost. As Django does, the session is saved for any
 * answer below 500 and dropped when the handler fails with a server error. Exported so that code which must
 * acknowledge the application's global enhancers can name it.
 */
@Injectable()
export class SessionCommitInterceptor implements NestInterceptor {
  constructor(private readonly lifecycle: SessionLifecycle) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      concatMap(async (value: unknown) => {
        await this.lifecycle.commit(req);
        return value;
      }),
      catchError(async (error: unknown) => {
        if (error instanceof HttpException && error.getStatus() < 500) await this.lifecycle.commit(req);
        else this.lifecycle.detach(req);
        throw error;
      }),
    );
  }
}
