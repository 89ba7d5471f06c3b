import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { User } from '../../users/user.entity.js';

/** The signed-in user of a page request, as `LoginRequiredGuard` found them. */
export interface PageUser {
  readonly id: number;
  readonly username: string;
  readonly displayName: string;
}

/** What a page shows of a user. */
export function toPageUser({ id, username, displayName }: User): PageUser {
  return { id, username, displayName };
}

// Per request, without widening Express's Request type for the whole app.
const users = new WeakMap<Request, PageUser>();

export function setPageUser(req: Request, user: PageUser): void {
  users.set(req, user);
}

/** The user `LoginRequiredGuard` let through; throws when the route has no such guard (a programming error). */
export function pageUserOf(req: Request): PageUser {
  const user = users.get(req);
  if (!user) throw new Error('No signed-in user on this request: put @UseGuards(LoginRequiredGuard) on the route.');
  return user;
}

/** Injects the signed-in user on a route guarded by `LoginRequiredGuard`. */
export const CurrentPageUser = createParamDecorator((_: unknown, context: ExecutionContext): PageUser =>
  pageUserOf(context.switchToHttp().getRequest<Request>()),
);
