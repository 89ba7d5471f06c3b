import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AuthService, toSignedInUser } from './auth.service.js';
import type { SignedInUser } from './signed-in-user.js';

const SIGNED_IN_USER = Symbol('cookbook:signedInUser');

type RequestWithUser = Request & { [SIGNED_IN_USER]?: SignedInUser };

/**
 * Lets a request through only with a session bound to an existing user (401 otherwise), and records the user
 * for `@CurrentUser()`. When Redis is down the session cannot be read: @stash/session answers 503.
 */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithUser>();
    const user = await this.auth.userOf(req);
    if (!user) throw new UnauthorizedException('Not signed in');
    req[SIGNED_IN_USER] = toSignedInUser(user);
    return true;
  }
}

/** The user `SignedInGuard` let through. */
export function signedInUserOf(req: Request): SignedInUser {
  const user = (req as RequestWithUser)[SIGNED_IN_USER];
  // A handler that reads the user without the guard is a programming error, not a client one.
  if (!user) throw new Error('signedInUserOf: the route is not guarded by SignedInGuard');
  return user;
}
