import type { ClusterOptions, RedisOptions } from 'ioredis';

const MAX_RECONNECT_DELAY_MS = 2_000;
// MOVED/ASK chains are one or two hops; more than this means the cluster is reshaping or failing over.
const CLUSTER_MAX_REDIRECTIONS = 5;
const MIN_RETRY_DELAY_MS = 10;
const MAX_RETRY_DELAY_MS = 100;
// ioredis refreshes its slot map only on MOVED or a closed connection: a master that stalls (no reply, no close)
// would keep its slots in the client's map after its replica took over. A periodic refresh bounds that.
const SLOTS_REFRESH_INTERVAL_MS = 2_000;

/**
 * ioredis Cluster options that keep every command within the cache's `commandTimeout`: no offline queue, and
 * TRYAGAIN/CLUSTERDOWN/failover retries spaced so that all of them together fit in one command timeout, so a
 * command the store has already given up on does not keep retrying behind its back for long. User
 * `cluster.options` override them.
 * @param commandTimeoutMs the cache's `commandTimeout`, in milliseconds.
 */
export function clusterFailFast(commandTimeoutMs: number): ClusterOptions {
  const retryDelayMs = Math.min(
    MAX_RETRY_DELAY_MS,
    Math.max(MIN_RETRY_DELAY_MS, Math.floor(commandTimeoutMs / CLUSTER_MAX_REDIRECTIONS)),
  );
  return {
    enableOfflineQueue: false,
    maxRedirections: CLUSTER_MAX_REDIRECTIONS,
    retryDelayOnMoved: 0,
    retryDelayOnFailover: retryDelayMs,
    retryDelayOnClusterDown: retryDelayMs,
    retryDelayOnTryAgain: retryDelayMs,
    slotsRefreshTimeout: Math.min(1_000, Math.max(200, commandTimeoutMs)),
    slotsRefreshInterval: SLOTS_REFRESH_INTERVAL_MS,
    clusterRetryStrategy: (attempt) => Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY_MS),
  };
}

/**
 * ioredis Sentinel options: sentinel queries bounded like commands, a capped retry when every sentinel is down,
 * the `+switch-master` subscription so a failover is noticed without waiting for the old master's socket to die,
 * and a reconnect (through the sentinels) when a demoted master answers READONLY. User `redis` options override
 * them.
 * @param commandTimeoutMs the cache's `commandTimeout`, in milliseconds.
 */
export function sentinelFailFast(commandTimeoutMs: number): RedisOptions {
  return {
    sentinelCommandTimeout: Math.max(200, commandTimeoutMs),
    sentinelRetryStrategy: (attempt) => Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY_MS),
    failoverDetector: true,
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  };
}
