import type { Redis, RedisOptions } from 'ioredis';
import type { CacheModuleOptions, CacheOptions } from '@stash/cache';
import { SessionConfigError } from '../errors/session-config.error.js';
import type { SessionConnectionTarget } from '../session-options.js';

// How to reach Redis once `cache` is resolved: a client to borrow, or a URL and options to open one with.
export type ClientPlan =
  { readonly client: Redis } | { readonly url: string | undefined; readonly options: RedisOptions };

const COMMAND_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;
// ioredis waits this long for a closing socket before destroying it; its 2 s default delays shutdown.
const DISCONNECT_TIMEOUT_MS = 200;

// Latency bounds for a client Stash opens: ioredis's defaults queue commands while disconnected and retry them 20
// times, so a request could hang for a minute instead of answering 503.
export const SESSION_REDIS_DEFAULTS: Readonly<RedisOptions> = Object.freeze({
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  autoResendUnfulfilledCommands: false,
  commandTimeout: COMMAND_TIMEOUT_MS,
  connectTimeout: CONNECT_TIMEOUT_MS,
  disconnectTimeout: DISCONNECT_TIMEOUT_MS,
  retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY_MS),
  connectionName: 'stash:session',
});

// Plans the client from the resolved target; `cacheOptions` is read only for a `cache` target.
export function planClient(
  target: SessionConnectionTarget,
  cacheOptions: () => CacheModuleOptions | undefined,
): ClientPlan {
  if (target.kind === 'client') return { client: target.client };
  if (target.kind === 'url') {
    const options = withDb({ ...SESSION_REDIS_DEFAULTS, ...target.redis }, target.db);
    return { url: withoutDbPath(target.url, target.db), options };
  }
  const cache = findCache(target.cache, cacheOptions());
  if (cache.client) {
    if (target.redis !== undefined || target.db !== undefined) {
      throw new SessionConfigError(
        target.db !== undefined ? 'db' : 'redis',
        target.db ?? target.redis,
        `nothing: cache "${target.cache}" was given an existing client, which sessions share as it is`,
      );
    }
    if (typeof (cache.client as { nodes?: unknown }).nodes === 'function') {
      throw new SessionConfigError('cache', target.cache, 'a cache on a standalone or sentinel Redis (not a Cluster)');
    }
    return { client: cache.client as Redis };
  }
  const sentinel: RedisOptions = cache.sentinels ? { sentinels: cache.sentinels, name: cache.name } : {};
  return {
    url: cache.url === undefined ? undefined : withoutDbPath(cache.url, target.db),
    options: withDb({ ...SESSION_REDIS_DEFAULTS, ...cache.redis, ...sentinel, ...target.redis }, target.db),
  };
}

function findCache(name: string, options: CacheModuleOptions | undefined): CacheOptions {
  if (!options) {
    throw new SessionConfigError('cache', name, 'the name of a cache of an imported CacheModule (none was found)');
  }
  const cache = name === 'default' ? options : options.caches?.[name];
  if (!cache) {
    const names = ['default', ...Object.keys(options.caches ?? {})].join(', ');
    throw new SessionConfigError('cache', name, `one of the configured caches: ${names}`);
  }
  if (cache.store === 'memory') throw new SessionConfigError('cache', name, 'a cache on Redis (this one is in memory)');
  if (cache.cluster)
    throw new SessionConfigError('cache', name, 'a cache on a standalone or sentinel Redis (not a Cluster)');
  return cache;
}

// ioredis lets a db in the URL path win over the `db` option; the sessions' own `db` must win (a cache's URL
// usually names the cache's db).
function withoutDbPath(url: string, db: number | undefined): string {
  if (db === undefined) return url;
  const parsed = new URL(url);
  parsed.pathname = '';
  return parsed.toString();
}

function withDb(options: RedisOptions, db: number | undefined): RedisOptions {
  return db === undefined ? options : { ...options, db };
}
