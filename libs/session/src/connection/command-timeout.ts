import type { Cluster, Redis } from 'ioredis';
import { SessionConfigError } from '../errors/session-config.error.js';
import { isCluster } from './is-cluster.js';

// The bound of each session command unless the options say otherwise (ioredis's `commandTimeout`), in ms.
export const COMMAND_TIMEOUT_MS = 1_000;

// The session's command timeout, in ms, from the ioredis options of a client Stash opens.
export function configuredCommandTimeoutMs(commandTimeout: unknown): number {
  if (typeof commandTimeout !== 'number' || !Number.isFinite(commandTimeout) || commandTimeout <= 0) {
    throw new SessionConfigError(
      'redis.commandTimeout',
      commandTimeout,
      'a number of milliseconds > 0 (each session command fails with 503 after it)',
    );
  }
  return commandTimeout;
}

// A client the user owns keeps its settings: its own `commandTimeout` is the session's, the default without one.
export function borrowedCommandTimeoutMs(client: Redis | Cluster): number {
  const own = isCluster(client) ? client.options.redisOptions?.commandTimeout : client.options.commandTimeout;
  return typeof own === 'number' && Number.isFinite(own) && own > 0 ? own : COMMAND_TIMEOUT_MS;
}
