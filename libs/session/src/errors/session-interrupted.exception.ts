import { BadRequestException } from '@nestjs/common';
import { INTERRUPTED_MESSAGE } from './messages.js';

/** 400 Bad Request for a `SessionInterruptedError` (Django answers `SessionInterrupted` the same way). */
export class SessionInterruptedException extends BadRequestException {
  constructor(options?: { cause?: unknown }) {
    super(INTERRUPTED_MESSAGE, options);
    this.name = 'SessionInterruptedException';
  }
}
