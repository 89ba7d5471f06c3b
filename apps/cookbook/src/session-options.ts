import { Logger } from '@nestjs/common';
import type { SessionModuleOptions } from '@stash/session';
import { randomBytes } from 'node:crypto';
import type { CookbookConfig } from './config/cookbook-config.interface.js';

/**
 * Session keys: `<CACHE_KEY_PREFIX>-session:<id>` (`cookbook-session:<id>` by default). Not `cookbook:session:`:
 * that would sit inside the cache's `cookbook:*` namespace, and `CacheService.clear()` (SCAN `cookbook:*`) would
 * sign everyone out.
 */
export function sessionKeyPrefix(config: CookbookConfig): string {
  return `${config.cacheKeyPrefix}-session:`;
}

/**
 * The cookbook's `SessionModule` options. SESSION_SECRET was validated with the rest of the configuration
 * (required in production, at least 32 characters); without one, outside production, a random secret is used.
 */
export function cookbookSessionOptions(config: CookbookConfig): SessionModuleOptions {
  return { secret: config.sessionSecret ?? generatedSecret(), url: config.redisUrl, prefix: sessionKeyPrefix(config) };
}

function generatedSecret(): string {
  new Logger('Cookbook').warn(
    'SESSION_SECRET is not set: signing session cookies with a random secret, so sessions do not survive a ' +
      'restart. Set SESSION_SECRET (at least 32 characters) to keep them.',
  );
  return randomBytes(32).toString('hex');
}
