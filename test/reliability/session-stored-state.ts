import { Redis } from 'ioredis';
import type { CookbookTestApp } from '../support/cookbook-app.js';

/** What a cookbook stores about its users, read raw: Redis values as DUMP bytes (hex), database rows as JSON. */
export interface StoredState {
  /** Sessions, the per-user session indexes and the view lists (`<prefix>-session*`, `-recent:*`, `-views`). */
  readonly redis: Readonly<Record<string, string>>;
  readonly database: Readonly<Record<string, unknown>>;
}

// Everything the session-reading routes could write, if one got through: rate-limit counters are left out (they
// expire on their own and are counted before the session is read).
const REDIS_PATTERNS = (prefix: string) => [`${prefix}-session*`, `${prefix}-recent:*`, `${prefix}-views`];

const DATABASE_QUERIES: Record<string, string> = {
  recipes: 'SELECT id, name, description FROM recipes ORDER BY id',
  foods: 'SELECT id, name FROM foods ORDER BY id',
  ingredients: 'SELECT id, recipe_id, food_id, description FROM ingredients ORDER BY id',
  favorites: 'SELECT user_id, recipe_id FROM favorites ORDER BY user_id, recipe_id',
};

/** Reads the state from the Redis at `redisUrl` (not the app's connection: this must work right after a restart). */
export async function readStoredState(cookbook: CookbookTestApp, redisUrl: string): Promise<StoredState> {
  return { redis: await dumpKeys(redisUrl, REDIS_PATTERNS(cookbook.prefix)), database: await readRows(cookbook) };
}

async function dumpKeys(redisUrl: string, patterns: readonly string[]): Promise<Record<string, string>> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const dumps: Record<string, string> = {};
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        for (const key of keys) dumps[key] = (await redis.dumpBuffer(key))?.toString('hex') ?? '(gone)';
        cursor = next;
      } while (cursor !== '0');
    }
    return Object.fromEntries(Object.entries(dumps).sort(([a], [b]) => a.localeCompare(b)));
  } finally {
    redis.disconnect();
  }
}

async function readRows(cookbook: CookbookTestApp): Promise<Record<string, unknown>> {
  const rows: Record<string, unknown> = {};
  for (const [table, query] of Object.entries(DATABASE_QUERIES)) rows[table] = await cookbook.sql(query);
  return rows;
}
