import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { signedInUserOf } from './signed-in.guard.js';
import type { SignedInUser } from './signed-in-user.js';

/** The signed-in user of a route guarded by `SignedInGuard`. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): SignedInUser =>
  signedInUserOf(context.switchToHttp().getRequest<Request>()),
);
