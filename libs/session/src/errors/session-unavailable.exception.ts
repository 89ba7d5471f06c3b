import { HttpException, HttpStatus } from '@nestjs/common';
import { UNAVAILABLE_MESSAGE } from './messages.js';

/**
 * 503 Service Unavailable: the request needs its session and Redis cannot be reached (refused, reset, timed
 * out). The request is never served as if anonymous, and nothing stored is changed.
 */
export class SessionUnavailableException extends HttpException {
  constructor(
    /** What was being done: `load`, `save`, `cycleKey`, ... */
    readonly operation: string,
    options?: { cause?: unknown },
  ) {
    super(UNAVAILABLE_MESSAGE, HttpStatus.SERVICE_UNAVAILABLE, options);
    this.name = 'SessionUnavailableException';
  }
}
