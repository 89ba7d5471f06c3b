import { Logger } from '@nestjs/common';
import { MIN_SECRET_LENGTH, type SessionModuleOptions } from '@stash/session';
import { randomBytes } from 'node:crypto';

/**
 * Session keys: `cookbook-session:<id>`. Not `cookbook:session:`: that would sit inside the cache's `cookbook:*`
 * namespace, and `CacheService.clear()` (SCAN `cookbook:*`) would sign everyone out.
 */
export const SESSION_KEY_PREFIX = 'cookbook-session:';

/** The cookbook's `SessionModule` options, read from the environment at bootstrap. */
export function cookbookSessionOptions(env: NodeJS.ProcessEnv, redisUrl: string): SessionModuleOptions {
  return { secret: sessionSecret(env), url: redisUrl, prefix: SESSION_KEY_PREFIX };
}

function sessionSecret(env: NodeJS.ProcessEnv): string {
  const secret = env.SESSION_SECRET;
  if (secret) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `SESSION_SECRET is too short (${secret.length} characters): use at least ${MIN_SECRET_LENGTH}, ` +
          'e.g. SESSION_SECRET=$(openssl rand -hex 32).',
      );
    }
    return secret;
  }
  if (env.NODE_ENV === 'production') {
    throw new Error(
      'SESSION_SECRET is not set: with NODE_ENV=production the cookbook needs a fixed secret of at least ' +
        `${MIN_SECRET_LENGTH} characters to sign session cookies, e.g. SESSION_SECRET=$(openssl rand -hex 32).`,
    );
  }
  new Logger('Cookbook').warn(
    'SESSION_SECRET is not set: signing session cookies with a random secret, so sessions do not survive a ' +
      'restart. Set SESSION_SECRET (at least 32 characters) to keep them.',
  );
  return randomBytes(32).toString('hex');
}
