import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { RAW_COMMAND_TIMEOUT_FACTOR, type CacheModuleOptions, type CacheOptions } from '@stash/cache';
import { SessionConfigError } from '../errors/session-config.error.js';
import { borrowedCommandTimeoutMs, COMMAND_TIMEOUT_MS, configuredCommandTimeoutMs } from './command-timeout.js';
import { assertMasterRole, type SessionConnectionTarget } from './session-connection-target.js';

// How to reach Redis once `cache` is resolved: a client to borrow, a URL and options (a standalone or Sentinel
// client) or cluster nodes and options to open one with; and the bound of each session command, in ms.
export type ClientPlan = (
  | { readonly client: Redis | Cluster }
  | { readonly url: string | undefined; readonly options: RedisOptions }
  | { readonly cluster: { readonly nodes: readonly ClusterNode[]; readonly options: ClusterOptions } }
) & { readonly commandTimeoutMs: number };

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
  retryStrategy: reconnectDelay,
  connectionName: 'stash:session',
});

// The same bounds for a Cluster. ioredis retries a command whose node connection closed (a failover) every
// `retryDelayOnFailover` ms up to `maxRedirections` times, 16 x 100 ms by default; 6 keeps a request that meets a
// dead master under about a second before it answers 503, and still follows the MOVED/ASK of a resharding.
export const SESSION_CLUSTER_DEFAULTS: Readonly<ClusterOptions> = Object.freeze({
  enableOfflineQueue: false,
  clusterRetryStrategy: reconnectDelay,
  maxRedirections: 6,
  retryDelayOnFailover: 100,
  retryDelayOnClusterDown: 100,
  retryDelayOnTryAgain: 100,
  slotsRefreshTimeout: COMMAND_TIMEOUT_MS,
});

// A master demoted by a failover answers writes with READONLY; Sentinel normally kills its clients, but a demoted
// master that kept them (a partition) would make every write fail until restart. Reconnecting asks the sentinels
// for the new master again.
export function reconnectOnReadOnly(error: Error): boolean {
  return error.message.startsWith('READONLY');
}

// After SENTINEL FAILOVER the old master stays a writable master until the sentinels convert it to a replica, about
// 10 s later: a client left on it writes sessions that the conversion then throws away (a logout would come undone).
// `failoverDetector` subscribes to the sentinels' +switch-master and reconnects to the new master at once.
export const SENTINEL_FAILOVER_OPTIONS: Readonly<RedisOptions> = Object.freeze({
  failoverDetector: true,
  reconnectOnError: reconnectOnReadOnly,
});

function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY_MS);
}

// Plans the client from the resolved target; `cacheOptions` is read only for a `cache` target.
export function planClient(
  target: SessionConnectionTarget,
  cacheOptions: () => CacheModuleOptions | undefined,
): ClientPlan {
  switch (target.kind) {
    case 'client':
      return { client: target.client, commandTimeoutMs: borrowedCommandTimeoutMs(target.client) };
    case 'url':
      return opened(
        withoutDbPath(target.url, target.db),
        withDb({ ...SESSION_REDIS_DEFAULTS, ...target.redis }, target.db),
      );
    case 'sentinel': {
      const sentinel: RedisOptions = {
        sentinels: [...target.sentinels],
        name: target.name,
        role: 'master',
        ...SENTINEL_FAILOVER_OPTIONS,
      };
      return opened(undefined, withDb({ ...SESSION_REDIS_DEFAULTS, ...target.redis, ...sentinel }, target.db));
    }
    case 'cluster':
      return openedCluster(target.nodes, clusterOptions(target.options, target.redis));
    case 'cache':
      return planCacheClient(target, cacheOptions);
  }
}

function planCacheClient(
  target: Extract<SessionConnectionTarget, { kind: 'cache' }>,
  cacheOptions: () => CacheModuleOptions | undefined,
): ClientPlan {
  const cache = findCache(target.cache, cacheOptions());
  if (cache.client) {
    if (target.redis !== undefined || target.db !== undefined) {
      throw new SessionConfigError(
        target.db !== undefined ? 'db' : 'redis',
        target.db ?? target.redis,
        `nothing: cache "${target.cache}" was given an existing client, which sessions share as it is`,
      );
    }
    return { client: cache.client, commandTimeoutMs: borrowedCommandTimeoutMs(cache.client) };
  }
  assertMasterRole('cache', cache.redis?.role);
  if (cache.cluster) {
    if (target.db !== undefined) {
      throw new SessionConfigError(
        'db',
        target.db,
        `nothing: cache "${target.cache}" is on a Redis Cluster (db 0 only)`,
      );
    }
    const options = clusterOptions(cache.cluster.options, { ...cache.redis, ...target.redis });
    return openedCluster(cache.cluster.nodes, options);
  }
  const sentinel: RedisOptions = cache.sentinels
    ? { sentinels: cache.sentinels, name: cache.name, ...SENTINEL_FAILOVER_OPTIONS }
    : {};
  return opened(
    cache.url === undefined ? undefined : withoutDbPath(cache.url, target.db),
    withDb({ ...SESSION_REDIS_DEFAULTS, ...cache.redis, ...sentinel, ...target.redis }, target.db),
  );
}

// A client Stash opens: the configured `commandTimeout` bounds each session command, ioredis gets the safety net.
function opened(url: string | undefined, options: RedisOptions): ClientPlan {
  const commandTimeoutMs = configuredCommandTimeoutMs(options.commandTimeout);
  return {
    url,
    options: { ...options, commandTimeout: commandTimeoutMs * RAW_COMMAND_TIMEOUT_FACTOR },
    commandTimeoutMs,
  };
}

function openedCluster(nodes: readonly ClusterNode[], options: ClusterOptions): ClientPlan {
  const commandTimeoutMs = configuredCommandTimeoutMs(options.redisOptions?.commandTimeout);
  const redisOptions = { ...options.redisOptions, commandTimeout: commandTimeoutMs * RAW_COMMAND_TIMEOUT_FACTOR };
  return { cluster: { nodes, options: { ...options, redisOptions } }, commandTimeoutMs };
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
  return cache;
}

// Stash's bounds, then the user's cluster options; each node gets the single-node bounds and the `redis` options.
function clusterOptions(options: ClusterOptions | undefined, redis: RedisOptions | undefined): ClusterOptions {
  return {
    ...SESSION_CLUSTER_DEFAULTS,
    ...options,
    redisOptions: { ...SESSION_REDIS_DEFAULTS, ...redis, ...options?.redisOptions },
  };
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
