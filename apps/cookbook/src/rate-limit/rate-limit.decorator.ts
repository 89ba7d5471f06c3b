import { SetMetadata } from '@nestjs/common';
import type { RateLimitKind } from './rate-limit-rules.js';
import { RATE_LIMIT_METADATA } from './rate-limit.constants.js';

/**
 * Counts the route against a limit: `login` (sign-in attempts per client IP and username) or `api-write` (writes
 * per signed-in user, the API's and the forms' together). On a class, it applies to every route of the class; a
 * method's own wins. Routes without it are not limited.
 */
export const RateLimit = (kind: RateLimitKind): ClassDecorator & MethodDecorator =>
  SetMetadata(RATE_LIMIT_METADATA, kind);
