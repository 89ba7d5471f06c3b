import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CacheService } from '@stash/cache';
import { Redis } from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../apps/cookbook/src/app.module.js';
import { cookbookEnv, withEnv, type Env } from './cookbook-env.js';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from './test-database.js';
import { testRedisUrl, uniquePrefix } from './test-redis.js';

/** A running cookbook on a throwaway database and its own Redis key prefix. */
export interface CookbookTestApp {
  readonly app: INestApplication;
  readonly db: TestDatabase;
  /** CACHE_KEY_PREFIX: cache keys are `<prefix>:*`; sessions, rate limits and view counts `<prefix>-*`. */
  readonly prefix: string;
  /** A client without cookies. */
  http(): ReturnType<typeof request>;
  /** A client that keeps cookies, like a browser. */
  browser(): ReturnType<typeof request.agent>;
  /** A browser signed in as `username` (password `cookbook`). */
  signIn(username: string): Promise<ReturnType<typeof request.agent>>;
  /**
   * Runs SQL on the app's database behind the ORM's back: no entity events, so no signal and no invalidation.
   * Placeholders are `?` on both databases.
   */
  sql<T = unknown>(text: string, params?: readonly unknown[]): Promise<T>;
  /** Closes the app, deletes its Redis keys (`<prefix>:*` and `<prefix>-*`) and drops its database. */
  close(): Promise<void>;
}

/**
 * Boots the real AppModule on a fresh database of `kind` (created, migrated and loaded with the fixtures by the
 * app itself), the suite's Redis and a key prefix of its own. `env` adds or overrides variables
 * (`CACHE_STORE: 'memory'`).
 */
export async function startCookbook(kind: TestDatabaseKind, label: string, env: Env = {}): Promise<CookbookTestApp> {
  const db = await createTestDatabase(kind, label);
  try {
    return await bootCookbook(db, uniquePrefix(label), env);
  } catch (error) {
    await db.drop();
    throw error;
  }
}

/** Boots the real AppModule on an existing test database (a restart, when an app ran on it before). */
export async function bootCookbook(db: TestDatabase, prefix: string, env: Env = {}): Promise<CookbookTestApp> {
  let app: INestApplication | undefined;
  try {
    // The configuration is read while the module compiles; the environment can be restored right after.
    const moduleRef = await withEnv(cookbookEnv(db, prefix, env), () =>
      Test.createTestingModule({ imports: [AppModule] }).compile(),
    );
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.init();
  } catch (error) {
    await app?.close();
    throw error;
  }
  const server = app.getHttpServer();
  const started = app;
  return {
    app: started,
    db,
    prefix,
    http: () => request(server),
    browser: () => request.agent(server),
    async signIn(username) {
      const agent = request.agent(server);
      await agent.post('/api/login').send({ username, password: 'cookbook' }).expect(200);
      return agent;
    },
    sql: (text, params = []) => rawQuery(started.get(DataSource), text, params),
    async close() {
      await started.get(CacheService).clear();
      await deleteKeysBeside(env.REDIS_URL ?? testRedisUrl(), prefix);
      await started.close();
      await db.drop();
    },
  };
}

async function rawQuery<T>(dataSource: DataSource, text: string, params: readonly unknown[]): Promise<T> {
  if (dataSource.options.type !== 'postgres') return dataSource.query(text, [...params]);
  let n = 0;
  const query = text.replace(/\?/g, () => `$${++n}`);
  // The app qualifies every table with its schema; plain SQL finds them through a transaction-local search_path.
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    await runner.query(`SET LOCAL search_path TO "${dataSource.options.schema}"`);
    const result = (await runner.query(query, [...params])) as T;
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

// What the app keeps beside the cache's `<prefix>:*`: sessions and their per-user index (`<prefix>-session:<id>`,
// `<prefix>-session~user:<id>`), rate-limit counters (`<prefix>-rate-limit:*`), view counts (`<prefix>-views`,
// `<prefix>-recent:<id>`).
async function deleteKeysBeside(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}-*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
