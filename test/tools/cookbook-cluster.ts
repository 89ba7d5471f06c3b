import { Redis } from 'ioredis';
import { cookbookEnv } from '../support/cookbook-env.js';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '../support/test-database.js';
import { testRedisUrl, uniquePrefix } from '../support/test-redis.js';
import { CookbookProcess, type CookbookEnv } from './cookbook-process.js';

export interface CookbookClusterOptions {
  /** Names the database, the key prefix and the processes (`<label>-0`, `<label>-1`...). */
  readonly label: string;
  /** @default 'postgres' (see test/tools/README.md for SQLite shared by processes) */
  readonly kind?: TestDatabaseKind;
  /** How many processes to start. @default 2 */
  readonly count?: number;
  /** Variables for every process, over `cookbookEnv`'s (`{ STASH_TEST_HOOKS: '1' }`). */
  readonly env?: CookbookEnv;
  /** @default the suite's private Redis (`testRedisUrl()`) */
  readonly redisUrl?: string;
}

/**
 * N cookbook processes sharing one throwaway database (a PostgreSQL schema, or a SQLite file), one Redis and one
 * key prefix: what two or more instances of the app behind a load balancer share. The first process migrates
 * the database and loads the fixtures; the others start once it answers, in parallel. `close()` stops them and
 * removes everything the run left: the Redis keys `<prefix>:*` and `<prefix>-*`, and the database.
 */
export class CookbookCluster {
  readonly processes: CookbookProcess[] = [];

  private constructor(
    readonly label: string,
    readonly db: TestDatabase,
    readonly prefix: string,
    readonly redisUrl: string,
    private readonly extraEnv: CookbookEnv,
  ) {}

  static async start(options: CookbookClusterOptions): Promise<CookbookCluster> {
    const { label, kind = 'postgres', count = 2, env = {} } = options;
    const db = await createTestDatabase(kind, label);
    const cluster = new CookbookCluster(label, db, uniquePrefix(label), options.redisUrl ?? testRedisUrl(), env);
    try {
      if (count > 0) await cluster.add();
      await Promise.all(Array.from({ length: count - 1 }, () => cluster.add()));
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  /** The environment of this cluster's processes, with `extra` on top. */
  env(extra: CookbookEnv = {}): CookbookEnv {
    return cookbookEnv(this.db, this.prefix, { REDIS_URL: this.redisUrl, ...this.extraEnv, ...extra });
  }

  /** Starts one more process on the same database, Redis and prefix (`extra` variables on top). */
  async add(extra: CookbookEnv = {}): Promise<CookbookProcess> {
    const cookbook = await CookbookProcess.start({
      label: `${this.label}-${this.processes.length}`,
      env: this.env(extra),
    });
    this.processes.push(cookbook);
    return cookbook;
  }

  /** Process `index`, throwing when there is none. */
  at(index: number): CookbookProcess {
    const cookbook = this.processes[index];
    if (!cookbook) throw new Error(`cluster ${this.label} has no process ${index}`);
    return cookbook;
  }

  /** `assertClean()` of every process; throws with every process's faults. */
  async assertClean(): Promise<void> {
    const results = await Promise.allSettled(this.processes.map((cookbook) => cookbook.assertClean()));
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
    if (failures.length > 0) throw new Error(failures.join('\n\n'));
  }

  /** Stops every process, deletes the prefix's Redis keys and drops the database, whatever fails on the way. */
  async close(): Promise<void> {
    const steps: PromiseSettledResult<unknown>[] = await Promise.allSettled(
      this.processes.map((cookbook) => cookbook.stop()),
    );
    steps.push(...(await Promise.allSettled([deleteCookbookKeys(this.redisUrl, this.prefix)])));
    steps.push(...(await Promise.allSettled([this.db.drop()])));
    const failed = steps.find((step) => step.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}

/**
 * Deletes what a cookbook with CACHE_KEY_PREFIX=`prefix` keeps in Redis (SCAN, never KEYS or FLUSH): the cache
 * (`<prefix>:*`), and sessions, rate-limit counters and view counts (`<prefix>-*`).
 * @returns how many keys were deleted.
 */
export async function deleteCookbookKeys(redisUrl: string, prefix: string): Promise<number> {
  if (!/^[\w.-]+$/.test(prefix)) throw new Error(`Bad key prefix ${JSON.stringify(prefix)}`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  let deleted = 0;
  try {
    await redis.connect();
    for (const pattern of [`${prefix}:*`, `${prefix}-*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length > 0) deleted += await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
