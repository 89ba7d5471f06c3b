import type { LoggerService } from '@nestjs/common';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { ResolvedCacheOptions } from '../cache-options.js';
import { CACHE_DEFAULTS } from '../cache-options.js';
import { RAW_COMMAND_TIMEOUT_FACTOR, withinCommandTimeout } from './command-timeout.js';
import { clusterFailFast, sentinelFailFast } from './topology-options.js';

const CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;
// ioredis waits this long for a closing socket before destroying it (2 s by default), which delays shutdown.
const DISCONNECT_TIMEOUT_MS = 200;

/** A client handed to a cache, and how to give it back. */
export interface RedisLease {
  readonly client: Redis | Cluster;
  release(): Promise<void>;
}

/** Resolves true once the client is ready, false if it is not within `timeoutMs` (or has been closed). */
export function whenReady(client: Redis | Cluster, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  if (client.status === 'end') return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      resolve(ready);
    };
    const onReady = () => done(true);
    const onEnd = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.once('ready', onReady);
    client.once('end', onEnd);
  });
}

/**
 * Opens one ioredis client per distinct server configuration and shares it between the caches that use it.
 * A client is quit when its last cache releases it; a client passed in by the user is never quit.
 */
export class RedisConnections {
  private readonly shared = new Map<string, { client: Redis | Cluster; users: number; commandTimeout: number }>();
  private unshared = 0;

  constructor(private readonly logger: LoggerService) {}

  acquire(options: ResolvedCacheOptions, onReady: () => void): RedisLease {
    const { connection } = options;
    if (connection.client) {
      connection.client.on('ready', onReady);
      return { client: connection.client, release: async () => void connection.client?.off('ready', onReady) };
    }
    // JSON drops functions (retryStrategy, dnsLookup, ...): caches whose options hold any get a client each.
    const id = hasFunction(connection)
      ? `unshared:${++this.unshared}`
      : JSON.stringify([connection, options.commandTimeout]);
    let slot = this.shared.get(id);
    if (!slot) {
      slot = { client: this.open(options), users: 0, commandTimeout: options.commandTimeout };
      this.shared.set(id, slot);
    }
    slot.users++;
    const { client } = slot;
    client.on('ready', onReady);
    let released = false;
    return {
      client,
      release: async () => {
        if (released) return;
        released = true;
        client.off('ready', onReady);
        if (--slot.users === 0) {
          this.shared.delete(id);
          await quit(client, slot.commandTimeout);
        }
      },
    };
  }

  /** Quits every client this registry opened. */
  async closeAll(): Promise<void> {
    const slots = [...this.shared.values()];
    this.shared.clear();
    await Promise.all(slots.map((slot) => quit(slot.client, slot.commandTimeout)));
  }

  private open(options: ResolvedCacheOptions): Redis | Cluster {
    const { connection, commandTimeout, name } = options;
    // Fail fast instead of ioredis's defaults: no offline queue (a command issued while disconnected rejects
    // at once), no replay of in-flight commands after a reconnect, a timeout on every command (the store's own,
    // and a safety net here for raw commands), and a capped reconnect backoff so recovery is noticed within two
    // seconds.
    const safe: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: commandTimeout * RAW_COMMAND_TIMEOUT_FACTOR,
      connectTimeout: CONNECT_TIMEOUT_MS,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY_MS),
      connectionName: `stash:${name}`,
    };
    let client: Redis | Cluster;
    if (connection.cluster) {
      client = new Cluster(connection.cluster.nodes, {
        ...clusterFailFast(commandTimeout),
        ...connection.cluster.options,
        redisOptions: { ...safe, ...connection.redis, ...connection.cluster.options?.redisOptions },
      });
    } else if (connection.sentinels) {
      client = new Redis({
        ...safe,
        ...sentinelFailFast(commandTimeout),
        ...connection.redis,
        sentinels: connection.sentinels,
        name: connection.name,
      });
    } else {
      client = new Redis(connection.url ?? CACHE_DEFAULTS.url, { ...safe, ...connection.redis });
    }
    let reported = false;
    client.on('error', (error: Error) => {
      // Without a listener ioredis would crash the process; faults are logged per call by the FaultGuard.
      if (!reported) this.logger.warn(`Cache "${name}": Redis connection error: ${error.message}`);
      reported = true;
    });
    client.on('ready', () => (reported = false));
    return client;
  }
}

// QUIT on a stalled server would wait for the raw commands' safety net: bounded by the cache's timeout instead.
// disconnect() always follows: QUIT closes the socket but not what the connector opened beside it (the sentinel
// failover detector's subscriptions, in ioredis 6), which would keep the process alive.
async function quit(client: Redis | Cluster, commandTimeout: number): Promise<void> {
  try {
    if (client.status !== 'end') await withinCommandTimeout(client.quit(), commandTimeout);
  } catch {
    // Closed below either way.
  } finally {
    client.disconnect();
  }
}

function hasFunction(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(hasFunction);
}
