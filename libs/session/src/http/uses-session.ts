import type { Reflector } from '@nestjs/core';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { USES_SESSION_METADATA } from '../session.constants.js';

type Handler = (...args: unknown[]) => unknown;

// Whether a route handler needs its session: it has Nest's `@Session()` parameter, or `@CurrentSession()`, or
// `@UsesSession()` on the method or its controller.
export function handlerUsesSession(reflector: Reflector, controller: object, handler: Handler): boolean {
  if (reflector.getAllAndOverride<boolean>(USES_SESSION_METADATA, [handler, controller as Handler])) return true;
  // Nest records each route parameter as `${paramtype}:${index}`.
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) as
    Record<string, unknown> | undefined;
  return Object.keys(args ?? {}).some((key) => key.split(':')[0] === String(RouteParamtypes.SESSION));
}
