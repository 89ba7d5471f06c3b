import { SetMetadata } from '@nestjs/common';
import { USES_SESSION_METADATA } from '../session.constants.js';

/**
 * Loads the session before the handler (or every handler of the controller) runs, for handlers that read
 * `req.session` through `@Req()` instead of a `@Session()` or `@CurrentSession()` parameter.
 * @example @UsesSession() @Get('cart') cart(@Req() req: Request) { return req.session.cart; }
 */
export const UsesSession = (): MethodDecorator & ClassDecorator => SetMetadata(USES_SESSION_METADATA, true);
