import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The two databases every data test runs on: the cookbook's embedded default and PostgreSQL. */
export type TestDatabaseKind = 'sqlite' | 'postgres';

export const TEST_DATABASE_KINDS: readonly TestDatabaseKind[] = ['sqlite', 'postgres'];

/** A throwaway database: a fresh SQLite file, or a fresh schema on the machine's PostgreSQL. */
export interface TestDatabase {
  readonly kind: TestDatabaseKind;
  /** TypeORM connection options (spread them into a DataSource or TypeOrmModule config). */
  readonly typeorm: { type: 'better-sqlite3'; database: string } | { type: 'postgres'; url: string; schema: string };
  /** The same database as a cookbook DATABASE_URL (`sqlite:<path>` or `postgres://...?schema=<name>`). */
  readonly url: string;
  /** Removes the file or drops the schema with everything in it. */
  drop(): Promise<void>;
}

/** PostgreSQL server used by the suite: TEST_DATABASE_URL, or the machine's local server (trust auth). */
export function testPostgresUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** Creates a database no other test uses; call `drop()` in afterAll. */
export async function createTestDatabase(kind: TestDatabaseKind, label: string): Promise<TestDatabase> {
  const suffix = `${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  if (kind === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'stash-db-'));
    const database = join(dir, `${suffix}.sqlite`);
    return {
      kind,
      typeorm: { type: 'better-sqlite3', database },
      url: `sqlite:${database}`,
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const url = testPostgresUrl();
  const schema = `t_${suffix}`;
  await withClient(url, (client) => client.query(`CREATE SCHEMA "${schema}"`));
  const separator = url.includes('?') ? '&' : '?';
  return {
    kind,
    typeorm: { type: 'postgres', url, schema },
    url: `${url}${separator}schema=${schema}`,
    drop: async () => {
      await withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
