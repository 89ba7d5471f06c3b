import type { Redis } from 'ioredis';

/** Every key matching a SCAN pattern with its serialized value (`DUMP`, any type), sorted by key. */
export type RedisSnapshot = ReadonlyArray<readonly [key: string, dump: string]>;

/** The keys matching `pattern` and their values, byte for byte, to tell whether anything was written. */
export async function snapshotKeys(redis: Redis, pattern: string): Promise<RedisSnapshot> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  keys.sort();
  const dumps = await Promise.all(keys.map((key) => redis.dumpBuffer(key)));
  return keys.map((key, i) => [key, dumps[i]?.toString('hex') ?? '(gone)'] as const);
}

/** The keys of a snapshot. */
export function keysOf(snapshot: RedisSnapshot): string[] {
  return snapshot.map(([key]) => key);
}
