import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { USES_SESSION_METADATA } from '../session.constants.js';

/**
 * The request's session, loaded before the handler runs; type it with `StashSession<YourFields>`. Writes are
 * saved before the response (only the keys the request changed, merged into what is stored).
 * @example
 * @Post('cart') add(@CurrentSession() session: StashSession<{ cart: string[] }>, @Body('sku') sku: string) {
 *   session.cart = [...(session.cart ?? []), sku];
 * }
 */
export const CurrentSession = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<Request>().session,
  [
    (target: object, key: string | symbol | undefined) => {
      const handler = key === undefined ? undefined : (target as Record<string | symbol, object>)[key];
      if (handler) Reflect.defineMetadata(USES_SESSION_METADATA, true, handler);
    },
  ],
);
