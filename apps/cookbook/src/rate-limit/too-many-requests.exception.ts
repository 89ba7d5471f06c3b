import { HttpException, HttpStatus } from '@nestjs/common';

/** 429: over a rate limit. The same message as @nestjs/throttler's `ThrottlerException`. */
export class TooManyRequestsException extends HttpException {
  constructor() {
    super('ThrottlerException: Too Many Requests', HttpStatus.TOO_MANY_REQUESTS);
  }
}
