import type { TestDatabase } from './test-database.js';
import { testRedisUrl } from './test-redis.js';

/** The session secret every test app signs cookies with. */
export const TEST_SESSION_SECRET = 'cookbook-e2e-secret-0123456789-abcdefghijklmnopq';

export type Env = Record<string, string | undefined>;

/** Sets environment variables (`undefined` removes one) and returns their previous values, to restore them. */
export function setEnv(vars: Env): Env {
  const previous = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return previous;
}

/** Runs `work` with the environment changed, then puts it back. */
export async function withEnv<T>(vars: Env, work: () => Promise<T>): Promise<T> {
  const saved = setEnv(vars);
  try {
    return await work();
  } finally {
    setEnv(saved);
  }
}

/** The environment of a test cookbook on `db` with key prefix `prefix`. */
export function cookbookEnv(db: TestDatabase, prefix: string, env: Env = {}): Env {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl(),
    CACHE_STORE: 'redis',
    CACHE_KEY_PREFIX: prefix,
    SESSION_SECRET: TEST_SESSION_SECRET,
    // Suites sign in and write far more often than the production limits allow; the rate-limit suite sets them.
    LOGIN_RATE_LIMIT: '1000',
    API_WRITE_RATE_LIMIT: '100000',
    ...env,
  };
}
