import { cookbookEnv } from '../support/cookbook-env.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { uniquePrefix } from '../support/test-redis.js';
import { CookbookProcess, type CookbookEnv } from '../tools/cookbook-process.js';

/**
 * Two cookbook processes (A and B) on one throwaway PostgreSQL schema and one key prefix, with the Redis the
 * variables given say (REDIS_CLUSTER_NODES, REDIS_SENTINELS...: REDIS_URL is left unset). `CookbookCluster` does
 * the same on one Redis URL, and cleans up by SCAN on it, which a Cluster or a sentinel set does not offer: the
 * topology's processes go with the test, and the keys with them.
 */
export class CookbookPair {
  private constructor(
    readonly db: TestDatabase,
    readonly prefix: string,
    readonly a: CookbookProcess,
    readonly b: CookbookProcess,
  ) {}

  static async start(label: string, redisEnv: CookbookEnv): Promise<CookbookPair> {
    const db = await createTestDatabase('postgres', label);
    const prefix = uniquePrefix(label);
    const env = cookbookEnv(db, prefix, { REDIS_URL: undefined, ...redisEnv });
    let a: CookbookProcess | undefined;
    try {
      // The first migrates the database and loads the fixtures alone.
      a = await CookbookProcess.start({ label: `${label}-a`, env });
      const b = await CookbookProcess.start({ label: `${label}-b`, env });
      return new CookbookPair(db, prefix, a, b);
    } catch (error) {
      await a?.stop();
      await db.drop();
      throw error;
    }
  }

  /** `assertClean()` of both, then stops them and drops the database, whatever fails on the way. */
  async close(): Promise<void> {
    const checks = await Promise.allSettled([this.a.assertClean(), this.b.assertClean()]);
    await Promise.allSettled([this.a.stop(), this.b.stop()]);
    await this.db.drop();
    const failed = checks.find((check) => check.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}

/** `host:port,host:port`, as REDIS_CLUSTER_NODES and REDIS_SENTINELS take them. */
export function addressList(addresses: readonly { host: string; port: number }[]): string {
  return addresses.map(({ host, port }) => `${host}:${port}`).join(',');
}
