import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { SessionService } from '@stash/session';
import type { Request } from 'express';
import { parseRecordId } from '../../common/record-id.js';
import { UsersService } from '../../users/users.service.js';
import { LoginRequiredException } from './login-required.exception.js';
import { setPageUser } from './page-user.js';

/**
 * Lets signed-in users through (and records who they are for `@CurrentPageUser()` and the page cache's tags);
 * sends everyone else to the login form. A guard, so it runs before the page cache: a cached per-user page is never
 * even looked up for a request without a user.
 */
@Injectable()
export class LoginRequiredGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const sessionUserId = await this.sessions.getUserId(req);
    const id = sessionUserId === undefined ? undefined : parseRecordId(sessionUserId);
    const user = id === undefined ? null : await this.users.findById(id);
    if (!user) throw new LoginRequiredException(req.originalUrl);
    setPageUser(req, { id: user.id, username: user.username, displayName: user.displayName });
    return true;
  }
}
