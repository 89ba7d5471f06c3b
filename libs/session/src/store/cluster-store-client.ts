import type { RedisStore } from 'connect-redis';
import { groupBySlot } from '@stash/cache';
import type { Cluster, Redis } from 'ioredis';

// connect-redis's view of its client, which it builds from an ioredis client by calling `scan`, `del` and `mget` on
// it: on a Cluster `scan` reaches one random node, and a multi-key DEL or MGET over session keys answers CROSSSLOT.
type StoreClient = RedisStore['client'];

// The client connect-redis uses for `all()`, `ids()`, `length()`, `clear()` and `destroy()` on a Redis Cluster:
// SCAN on every master, DEL and MGET split by hash slot (results kept in order).
export function clusterStoreClient(cluster: Cluster): StoreClient {
  return {
    get: (key) => cluster.get(key),
    set: (key, value, ttl) => (ttl === undefined ? cluster.set(key, value) : cluster.set(key, value, 'EX', ttl)),
    expire: (key, ttl) => cluster.expire(key, ttl),
    scanIterator: (match, count) => scanMasters(cluster, match, count),
    del: async (keys) => {
      const deleted = await Promise.all(groupBySlot(keys).map((group) => cluster.del(...group.keys)));
      return deleted.reduce((sum, count) => sum + count, 0);
    },
    mget: (keys) => mgetBySlot(cluster, keys),
  };
}

/** MGET over keys of any slots: one MGET per slot, sent at once, values in the order of `keys`. */
export async function mgetBySlot(cluster: Redis | Cluster, keys: readonly string[]): Promise<Array<string | null>> {
  const values = new Array<string | null>(keys.length).fill(null);
  await Promise.all(
    groupBySlot(keys).map(async (group) => {
      const found = await cluster.mget(...group.keys);
      group.positions.forEach((position, i) => (values[position] = found[i] ?? null));
    }),
  );
  return values;
}

async function* scanMasters(cluster: Cluster, match: string, count: number): AsyncIterable<string> {
  for (const node of cluster.nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', count);
      yield* keys;
      cursor = next;
    } while (cursor !== '0');
  }
}
