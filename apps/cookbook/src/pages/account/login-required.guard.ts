import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthService } from '../../auth/auth.service.js';
import { isSafeMethod } from '../../csrf/json-request.js';
import { AFTER_SIGN_IN_METADATA } from './after-sign-in.decorator.js';
import { LoginRequiredException } from './login-required.exception.js';
import { DEFAULT_NEXT_PATH } from './next-path.js';
import { setPageUser, toPageUser } from './page-user.js';

/**
 * Lets signed-in users through (and records who they are for `@CurrentPageUser()` and the page cache's tags);
 * sends everyone else to the login form, to come back to this page (or the one `@AfterSignIn()` names). A guard,
 * so it runs before the page cache: a cached per-user page is never even looked up for a request without a user.
 */
@Injectable()
export class LoginRequiredGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const user = await this.auth.userOf(req);
    if (!user) throw new LoginRequiredException(this.comeBackTo(context, req));
    setPageUser(req, toPageUser(user));
    return true;
  }

  private comeBackTo(context: ExecutionContext, req: Request): string {
    const declared = this.reflector.getAllAndOverride<string | undefined>(AFTER_SIGN_IN_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    return declared ?? (isSafeMethod(req.method) ? req.originalUrl : DEFAULT_NEXT_PATH);
  }
}
