import { Catch, Injectable, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { SessionUnavailableException } from '@stash/session';
import { HttpMetrics } from './http.metrics.js';

// @stash/session offers no hook for store failures; every one that reaches a client is this exception (503), so
// counting them here counts the failures users saw. The answer itself is Nest's default for the exception.
@Injectable()
@Catch(SessionUnavailableException)
export class SessionErrorsFilter extends BaseExceptionFilter {
  constructor(private readonly metrics: HttpMetrics) {
    super();
  }

  override catch(exception: SessionUnavailableException, host: ArgumentsHost): void {
    this.metrics.sessionStoreError(exception.operation);
    super.catch(exception, host);
  }
}
