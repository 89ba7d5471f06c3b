import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CacheService } from '@stash/cache';
import { DataSource, type EntityManager } from 'typeorm';
import { AppModule } from '../../apps/cookbook/src/app.module.js';
import { TransactionRunner } from '../../apps/cookbook/src/database/transaction-runner.js';
import { RecipeWritesService } from '../../apps/cookbook/src/recipes/recipe-writes.service.js';
import { cookbookEnv, withEnv, type Env } from '../support/cookbook-env.js';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '../support/test-database.js';
import { uniquePrefix } from '../support/test-redis.js';
import { cookiesOf, LoopbackHttp } from './fuzz-http.js';
import { cookbookInvalidationImport, NaiveInvalidationModule, type NaiveMode } from './fuzz-naive-invalidation.js';

/** `real`: the cookbook as shipped; otherwise a naive invalidation (negative control). */
export type InvalidationMode = 'real' | NaiveMode;

export interface FuzzCookbookOptions {
  readonly redisUrl: string;
  readonly mode: InvalidationMode;
  /** Further variables, over `cookbookEnv`'s (`{ CACHE_NEAR: '1' }`). */
  readonly env?: Env;
}

/**
 * Widens the race windows of the cookbook's loaders and pages, whose database reads go through `read()` (outside
 * transactions): each read waits a random time before it queues (a miss that reads late, after a commit) and
 * after it returns (a loader that holds old rows while a write commits, invalidates and answers: the stale-set
 * window). Timing only: the schedule is the seed's, this jitter is not.
 */
class WidenedTransactionRunner extends TransactionRunner {
  /** Each wait is a random 0 to this many ms. */
  maxDelayMs = 0;

  override async read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    await jitter(this.maxDelayMs);
    const rows = await super.read(work);
    await jitter(this.maxDelayMs);
    return rows;
  }
}

function jitter(maxMs: number): Promise<void> {
  if (maxMs === 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, Math.random() * maxMs));
}

/** Error lines the app logged, kept for the report instead of being printed over the test output. */
class RecordingLogger implements LoggerService {
  readonly errors: string[] = [];
  log(): void {}
  warn(): void {}
  error(message: unknown, ...rest: unknown[]): void {
    this.errors.push([message, ...rest].map(String).join(' '));
  }
}

/** A cookbook listening on loopback, on its own database and the fuzzer's Redis, with handles on its internals. */
export interface FuzzCookbook {
  readonly db: TestDatabase;
  /** Its CACHE_KEY_PREFIX: another instance on the same database and Redis uses it too. */
  readonly prefix: string;
  readonly http: LoopbackHttp;
  readonly cache: CacheService;
  readonly runner: TransactionRunner;
  readonly writes: RecipeWritesService;
  readonly errorLogs: readonly string[];
  /** Every cached read's database read waits a random 0 to `ms` ms first, from now on (widens race windows). */
  setLoaderDelay(ms: number): void;
  /** Signs `alice` in; returns the session cookie for API writes. */
  signIn(): Promise<string>;
  close(): Promise<void>;
}

/** Boots the real AppModule (or its naive variant) on a fresh database of `kind`, listening on 127.0.0.1. */
export async function startFuzzCookbook(
  kind: TestDatabaseKind,
  label: string,
  options: FuzzCookbookOptions,
): Promise<FuzzCookbook> {
  const db = await createTestDatabase(kind, label);
  const prefix = uniquePrefix(label);
  const logger = new RecordingLogger();
  let app: INestApplication | undefined;
  try {
    const env = cookbookEnv(db, prefix, { REDIS_URL: options.redisUrl, ...options.env });
    const moduleRef = await withEnv(env, () => {
      const builder = Test.createTestingModule({ imports: [AppModule] })
        .overrideProvider(TransactionRunner)
        .useFactory({
          factory: (dataSource: DataSource) => new WidenedTransactionRunner(dataSource),
          inject: [DataSource],
        });
      if (options.mode !== 'real') {
        builder.overrideModule(cookbookInvalidationImport()).useModule(NaiveInvalidationModule.forMode(options.mode));
      }
      return builder.compile();
    });
    app = moduleRef.createNestApplication({ logger });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app?.close();
    await db.drop();
    throw error;
  }
  const started = app;
  const address = started.getHttpServer().address() as { port: number };
  const http = new LoopbackHttp(address.port);
  return {
    db,
    prefix,
    http,
    cache: started.get(CacheService),
    runner: started.get(TransactionRunner),
    writes: started.get(RecipeWritesService),
    errorLogs: logger.errors,
    setLoaderDelay(ms) {
      (started.get(TransactionRunner) as WidenedTransactionRunner).maxDelayMs = ms;
    },
    async signIn() {
      const answer = await http.send('POST', '/api/login', { body: { username: 'alice', password: 'cookbook' } });
      if (answer.status !== 200) throw new Error(`Sign-in answered ${answer.status}: ${answer.body}`);
      return cookiesOf(answer);
    },
    async close() {
      http.close();
      await started.close();
      await db.drop();
    },
  };
}
