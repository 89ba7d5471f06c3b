import { HttpException, HttpStatus } from '@nestjs/common';

/** A page needs a signed-in user; `LoginRequiredFilter` turns it into a redirect to the login form. */
export class LoginRequiredException extends HttpException {
  constructor(
    /** The page to come back to after signing in. */
    readonly next: string,
  ) {
    super('Sign in to see this page', HttpStatus.FOUND);
  }
}
