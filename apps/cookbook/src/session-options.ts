import { Logger } from '@nestjs/common';
import type { SessionModuleOptions } from '@stash/session';
import { randomBytes } from 'node:crypto';
import type { CookbookConfig } from './config/cookbook-config.interface.js';
import { RATE_LIMIT_CACHE } from './rate-limit/rate-limit.constants.js';

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
 * Sessions live on REDIS_URL; on a Redis Cluster or behind sentinels they connect as the `rate-limit` cache does
 * (always on Redis, whatever CACHE_STORE says), so that the topology is described once.
 */
export function cookbookSessionOptions(config: CookbookConfig): SessionModuleOptions {
  const secret = config.sessionSecret ?? generatedSecret();
  const prefix = sessionKeyPrefix(config);
  return config.redis.kind === 'url'
    ? { secret, url: config.redis.url, prefix }
    : { secret, cache: RATE_LIMIT_CACHE, prefix };
}

function generatedSecret(): string {
  new Logger('Cookbook').warn(
    'SESSION_SECRET is not set: signing session cookies with a random secret, so sessions do not survive a ' +
      'restart. Set SESSION_SECRET (at least 32 characters) to keep them.',
  );
  return randomBytes(32).toString('hex');
}
