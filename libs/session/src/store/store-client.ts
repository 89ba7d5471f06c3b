import type { RedisStore } from 'connect-redis';
import { groupBySlot } from '@stash/cache';
import type { Redis } from 'ioredis';
import type { BoundedRedis } from './bounded-redis.js';

// connect-redis's view of its client, which it would build from the ioredis client itself (unbounded commands, and
// on a Cluster a `scan` that reaches one random node and a multi-key DEL or MGET that answers CROSSSLOT).
type StoreClient = RedisStore['client'];

// The client connect-redis uses for its own `all()`, `ids()`, `length()`, `clear()` and `destroy()`: each command
// bounded like the store's; on a Redis Cluster, SCAN on every master, DEL and MGET split by hash slot (in order).
export function storeClient(redis: BoundedRedis): StoreClient {
  return {
    get: (key) => redis.send((client) => client.get(key)),
    set: (key, value, ttl) =>
      redis.send((client) => (ttl === undefined ? client.set(key, value) : client.set(key, value, 'EX', ttl))),
    expire: (key, ttl) => redis.send((client) => client.expire(key, ttl)),
    scanIterator: (match, count) => scanMasters(redis, match, count),
    del: async (keys) => {
      if (!redis.clustered) return redis.send((client) => client.del(...keys));
      const deleted = await Promise.all(
        groupBySlot(keys).map((group) => redis.send((client) => client.del(...group.keys))),
      );
      return deleted.reduce((sum, count) => sum + count, 0);
    },
    mget: (keys) => mgetBySlot(redis, keys),
  };
}

/** MGET over keys of any slots: on a cluster one MGET per slot, sent at once, values in the order of `keys`. */
export async function mgetBySlot(redis: BoundedRedis, keys: readonly string[]): Promise<Array<string | null>> {
  if (!redis.clustered) return redis.send((client) => client.mget(...keys));
  const values = new Array<string | null>(keys.length).fill(null);
  await Promise.all(
    groupBySlot(keys).map(async (group) => {
      const found = await redis.send((client) => client.mget(...group.keys));
      group.positions.forEach((position, i) => (values[position] = found[i] ?? null));
    }),
  );
  return values;
}

async function* scanMasters(redis: BoundedRedis, match: string, count: number): AsyncIterable<string> {
  for (const node of redis.masters()) {
    let cursor = '0';
    do {
      const [next, keys]: [string, string[]] = await redis.send(() => scan(node, cursor, match, count));
      yield* keys;
      cursor = next;
    } while (cursor !== '0');
  }
}

function scan(node: Redis, cursor: string, match: string, count: number): Promise<[string, string[]]> {
  return node.scan(cursor, 'MATCH', match, 'COUNT', count);
}
