import { performance } from 'node:perf_hooks';
import { createCache, type CacheService } from '@stash/cache';
import { RedisServerProcess, waitFor } from '../../../test/support/redis-server.js';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '../../../test/support/test-database.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { cachedTitle } from './support/cached-title.js';
import { Recipe, recipe } from './support/entities.js';
import { LogCapture } from './support/log-capture.js';
import { OtherConnection } from './support/other-connection.js';
import { acceptWrites, refuseWrites, withClient } from './support/redis-writes.js';
import { bootSignalsApp, COOKBOOK_MAPPINGS, type SignalsTestApp } from './support/signals-test-app.js';

const COMMAND_TIMEOUT_MS = 300;
// What a save may take beyond one command timeout: the database round trips and the scheduler.
const MARGIN_MS = 1_500;
const SWEEP_MS = 200;
// The next sweep, after the cache's breaker cool-down (1 s by default) if the outage opened it, plus slack.
const SWEEP_BOUND_MS = SWEEP_MS + 1_000 + 1_500;
// The cache's own retry backs off to 1 s; after an outage its breaker may first wait out its 1 s cool-down.
const RETRY_BOUND_MS = 1_000 + 1_000 + 1_500;
const quiet = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

/**
 * Redis failing while a write commits. The save must resolve within the cache's command timeout (plus a margin),
 * and the invalidation must not be lost: the committing process never serves the old value as fresh, and the
 * others stop serving it once Redis takes the DEL (within the retry backoff, or the sweep interval with the
 * outbox). "Refusing" turns the private server into a read-only replica: the DEL fails with READONLY while the
 * stale entries stay readable, which is the case the pending logic exists for.
 */
describe.each(TEST_DATABASE_KINDS)('invalidation while Redis fails, on %s', (kind) => {
  let server: RedisServerProcess;
  let db: TestDatabase;
  let other: OtherConnection;
  let logs: LogCapture;
  const apps: SignalsTestApp[] = [];
  const caches: CacheService[] = [];

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    db = await createTestDatabase(kind, 'redis_down');
    // Creates the tables (the outbox's too) before the other connection looks.
    await (await bootSignalsApp(db, { withoutCache: true })).close();
    other = await OtherConnection.open(db);
  });

  afterAll(async () => {
    await other?.close();
    await db?.drop();
    await server?.stop();
  });

  beforeEach(async () => {
    logs = new LogCapture();
    await other.clearOutbox();
  });

  afterEach(async () => {
    if (!server.running) await server.start();
    await server.signal('SIGCONT');
    await acceptWrites(server);
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
    await Promise.all(apps.splice(0).map((app) => app.close()));
    logs.restore();
  });

  /** The committing process: the cookbook's mappings, optionally the outbox, its cache on the private server. */
  async function writer(keyPrefix: string, options: { outbox?: boolean; cacheUrl?: string } = {}) {
    const app = await bootSignalsApp(db, {
      mappings: COOKBOOK_MAPPINGS,
      cache: { url: options.cacheUrl ?? server.url, keyPrefix, commandTimeout: COMMAND_TIMEOUT_MS },
      typeOrmSignals: options.outbox ? { outbox: { sweepIntervalMs: SWEEP_MS } } : undefined,
    });
    apps.push(app);
    return app;
  }

  /** Another process of the same app: a cache on the same Redis and prefix. */
  async function elsewhere(keyPrefix: string): Promise<CacheService> {
    const cache = createCache({ url: server.url, keyPrefix, commandTimeout: COMMAND_TIMEOUT_MS }, quiet);
    caches.push(cache);
    expect(await cache.ready()).toBe(true);
    return cache;
  }

  /** A recipe titled v1, cached by both processes. */
  async function seeded(app: SignalsTestApp, otherProcess: CacheService): Promise<Recipe> {
    const row = await app.dataSource.getRepository(Recipe).save(recipe('v1'));
    expect(await cachedTitle(app.cache, other, row.id)).toEqual({ value: 'v1', hit: false });
    expect(await cachedTitle(otherProcess, other, row.id)).toEqual({ value: 'v1', hit: true });
    return row;
  }

  async function timedSave(app: SignalsTestApp, row: Recipe, title: string): Promise<number> {
    row.title = title;
    const started = performance.now();
    await app.dataSource.getRepository(Recipe).save(row);
    return performance.now() - started;
  }

  /** Reads until `otherProcess` misses (loads v2); returns how long that took. */
  async function untilOtherMisses(otherProcess: CacheService, row: Recipe, boundMs: number): Promise<number> {
    const started = performance.now();
    await waitFor(
      async () => !(await cachedTitle(otherProcess, other, row.id)).hit,
      boundMs,
      'another process kept serving v1',
    );
    return performance.now() - started;
  }

  it.each([
    ['stalled (SIGSTOP)', 'SIGSTOP'],
    ['gone (SIGKILL)', 'SIGKILL'],
  ] as const)(
    '%s: the save resolves within the command timeout, and this process never returns v1',
    async (_, signal) => {
      const prefix = uniquePrefix('down');
      const app = await writer(prefix);
      const otherProcess = await elsewhere(prefix);
      const row = await seeded(app, otherProcess);

      await server.signal(signal);
      expect(await timedSave(app, row, 'v2')).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
      expect(app.cache.stats().invalidationsPending).toBeGreaterThan(0);
      expect((await cachedTitle(app.cache, other, row.id)).value).toBe('v2');
    },
  );

  describe('when Redis refuses the DEL but keeps the data (a read-only replica)', () => {
    it('without the outbox: this process never serves v1; another one does until the retry lands, then misses', async () => {
      const prefix = uniquePrefix('refused');
      const app = await writer(prefix);
      const otherProcess = await elsewhere(prefix);
      const row = await seeded(app, otherProcess);

      await refuseWrites(server);
      expect(await timedSave(app, row, 'v2')).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
      expect(app.cache.stats().invalidationsPending).toBe(2);
      for (let read = 0; read < 3; read++) {
        expect(await cachedTitle(app.cache, other, row.id)).toEqual({ value: 'v2', hit: false });
      }
      // The DEL really failed and the entry is intact: the window the pending set covers in this process only.
      expect(await cachedTitle(otherProcess, other, row.id)).toEqual({ value: 'v1', hit: true });

      await acceptWrites(server);
      expect(await untilOtherMisses(otherProcess, row, RETRY_BOUND_MS)).toBeLessThan(RETRY_BOUND_MS);
      await waitFor(() => app.cache.stats().invalidationsPending === 0, RETRY_BOUND_MS, 'the retry never landed');
      expect(await cachedTitle(app.cache, other, row.id)).toEqual({ value: 'v2', hit: true });
    });

    it('with the outbox: another process stops serving v1 within the sweep bound once Redis takes writes', async () => {
      const prefix = uniquePrefix('refused-outbox');
      const app = await writer(prefix, { outbox: true });
      const otherProcess = await elsewhere(prefix);
      const row = await seeded(app, otherProcess);

      await refuseWrites(server);
      expect(await timedSave(app, row, 'v2')).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
      expect(await other.outboxRows()).toEqual([{ cacheName: 'default', tags: [`recipe:${row.id}`, 'recipes'] }]);
      expect(await cachedTitle(app.cache, other, row.id)).toEqual({ value: 'v2', hit: false });
      expect(await cachedTitle(otherProcess, other, row.id)).toEqual({ value: 'v1', hit: true });

      await acceptWrites(server);
      expect(await untilOtherMisses(otherProcess, row, SWEEP_BOUND_MS)).toBeLessThan(SWEEP_BOUND_MS);
      await waitFor(async () => (await other.outboxRows()).length === 0, SWEEP_BOUND_MS, 'the row stayed');
    });
  });

  it('a DEL refused for another reason (NOPERM) without the outbox is logged with its tags and entity', async () => {
    const prefix = uniquePrefix('noperm');
    await withClient(server, (client) => client.acl('SETUSER', 'tagless', 'on', 'nopass', '+@all', 'allkeys'));
    try {
      const app = await writer(prefix, { cacheUrl: `redis://tagless:x@127.0.0.1:${server.port}` });
      const row = await app.dataSource.getRepository(Recipe).save(recipe('v1'));
      // The user may read every key but write no tag token.
      const keys = ['resetkeys', '%R~*', `%RW~${prefix}:[^~]*`, `%RW~${prefix}:~lock:*`];
      await withClient(server, (client) => client.acl('SETUSER', 'tagless', ...keys));
      await timedSave(app, row, 'v2');
      expect(logs.errors()).toEqual([
        expect.stringMatching(
          new RegExp(
            `Invalidating \\["recipes","recipe:${row.id}"\\] in cache "default" for Recipe failed: NOPERM.*` +
              'Nothing retries it',
          ),
        ),
      ]);
      expect(app.cache.stats().invalidationsPending).toBe(0);
    } finally {
      await Promise.all(apps.splice(0).map((app) => app.close()));
      await withClient(server, (client) => client.acl('DELUSER', 'tagless'));
    }
  });
});
