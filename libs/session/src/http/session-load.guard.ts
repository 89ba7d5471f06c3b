import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { handlerUsesSession } from './uses-session.js';
import { SessionLifecycle } from './session-lifecycle.js';

/**
 * The global guard `SessionModule` registers: loads the session before handlers that use it (a store failure
 * answers 503 here, before the handler runs); never denies access. Exported so that code which must acknowledge the
 * application's global enhancers can name it. Guards of controllers and methods run after it and can read
 * `req.session`; another global guard that needs the session calls `SessionService.load(req)`.
 */
@Injectable()
export class SessionLoadGuard implements CanActivate {
  private readonly decisions = new WeakMap<object, boolean>();

  constructor(
    private readonly reflector: Reflector,
    private readonly lifecycle: SessionLifecycle,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const handler = context.getHandler();
    let uses = this.decisions.get(handler);
    if (uses === undefined) {
      uses = handlerUsesSession(this.reflector, context.getClass(), handler as (...args: unknown[]) => unknown);
      this.decisions.set(handler, uses);
    }
    if (uses) await this.lifecycle.load(context.switchToHttp().getRequest<Request>());
    return true;
  }
}
