import { HttpException, Inject, Injectable, type LoggerService } from '@nestjs/common';
import { SessionContentionError } from '../errors/session-contention.error.js';
import { SessionInterruptedError } from '../errors/session-interrupted.error.js';
import { SessionInterruptedException } from '../errors/session-interrupted.exception.js';
import { SessionReplicationError } from '../errors/session-replication.error.js';
import { SessionUnavailableException } from '../errors/session-unavailable.exception.js';
import { SESSION_LOGGER } from '../session.constants.js';
import { isConnectivityError } from '@stash/cache';

// Turns store failures into HTTP answers: connectivity faults into 503 (sessions fail loudly, they are never served
// as anonymous), a session deleted mid-request into 400. Logs the first failure of each outage and the recovery
// with a count, so an outage under load writes two lines, not one per request.
@Injectable()
export class SessionFaults {
  private failures = 0;

  constructor(@Inject(SESSION_LOGGER) private readonly logger: LoggerService) {}

  // The error to throw for a failure of `operation`: an HTTP exception when it has a fixed answer.
  translate(operation: string, error: unknown): unknown {
    if (error instanceof HttpException) return error;
    if (error instanceof SessionInterruptedError) return new SessionInterruptedException({ cause: error });
    if (error instanceof SessionContentionError || error instanceof SessionReplicationError) {
      this.logger.warn(`Session ${operation} answered 503: ${error.message}`);
      return new SessionUnavailableException(operation, { cause: error });
    }
    if (!isConnectivityError(error)) return error;
    if (this.failures++ === 0) {
      this.logger.error(
        `Session store unavailable during ${operation}: ${(error as Error).message.replace(/\.$/, '')}. Requests ` +
          'that need a session are answered 503 until Redis is reachable again; stored sessions are left as they are.',
      );
    }
    return new SessionUnavailableException(operation, { cause: error });
  }

  // Called when the connection is ready again.
  recovered(): void {
    if (this.failures === 0) return;
    this.logger.log(`Session store reachable again; ${this.failures} session operation(s) failed meanwhile.`);
    this.failures = 0;
  }
}
