import { Redis } from 'ioredis';
import { freePort, type RedisServerProcess } from '../../../../test/support/redis-server.js';

/**
 * Makes a private redis-server refuse writes while it keeps its data and keeps answering reads: it becomes the
 * replica of a port nothing listens on, so every DEL fails with READONLY (what a client sees after a failover
 * demoted its server). The failure the invalidation must survive, without SIGKILL wiping the stale entries.
 */
export async function refuseWrites(server: RedisServerProcess): Promise<void> {
  const deadPort = await freePort();
  await withClient(server, (client) => client.replicaof('127.0.0.1', deadPort));
}

/** Undoes `refuseWrites`: the server is a master again and accepts writes. */
export async function acceptWrites(server: RedisServerProcess): Promise<void> {
  await withClient(server, (client) => client.replicaof('NO', 'ONE'));
}

/** Runs raw commands on the server (ACL, INFO) over a connection of its own, closed afterwards. */
export async function withClient<T>(server: RedisServerProcess, work: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(server.url, { maxRetriesPerRequest: 0, lazyConnect: true });
  try {
    await client.connect();
    return await work(client);
  } finally {
    client.disconnect();
  }
}
