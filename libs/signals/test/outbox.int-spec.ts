import { performance } from 'node:perf_hooks';
import { createCache, type CacheService } from '@stash/cache';
import { OutboxSweeper } from '@stash/signals/typeorm';
import { RedisServerProcess, waitFor } from '../../../test/support/redis-server.js';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '../../../test/support/test-database.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { cachedTitle } from './support/cached-title.js';
import { Food, Ingredient, ingredient, Recipe, recipe } from './support/entities.js';
import { LogCapture } from './support/log-capture.js';
import { OtherConnection } from './support/other-connection.js';
import { acceptWrites, refuseWrites, withClient } from './support/redis-writes.js';
import { bootSignalsApp, COOKBOOK_MAPPINGS, type SignalsTestApp } from './support/signals-test-app.js';

const COMMAND_TIMEOUT_MS = 300;
const SWEEP_MS = 200;
// Once Redis accepts writes again, a row lands at the next sweep; a cache whose breaker opened during the outage
// first waits out its cool-down (the default 1 s). Plus scheduling slack on a busy two-core machine.
const BREAKER_COOLDOWN_MS = 1_000;
const SWEEP_BOUND_MS = SWEEP_MS + BREAKER_COOLDOWN_MS + 1_500;
const quiet = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

/**
 * The invalidation outbox (`TypeOrmSignalsModule.forRoot({ outbox })`): the tags of a transaction are written to
 * the outbox table inside it, the row goes once the DEL landed, and rows left behind (Redis refusing writes, a
 * process gone) are applied by every process's sweep and at bootstrap. "Another process" is a plain cache on the
 * same Redis and key prefix; a second app on the same database plays the process that sweeps.
 */
describe.each(TEST_DATABASE_KINDS)('the invalidation outbox on %s', (kind) => {
  let server: RedisServerProcess;
  let db: TestDatabase;
  let other: OtherConnection;
  let logs: LogCapture;
  const apps: SignalsTestApp[] = [];
  const caches: CacheService[] = [];

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    db = await createTestDatabase(kind, 'outbox');
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
    await acceptWrites(server);
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await withClient(server, (client) => client.acl('DELUSER', 'nodel'));
    logs.restore();
  });

  /** An app of the cookbook's mappings with the outbox on, its cache on the private server. */
  async function writer(keyPrefix: string, cacheUrl = server.url): Promise<SignalsTestApp> {
    const app = await bootSignalsApp(db, {
      mappings: COOKBOOK_MAPPINGS,
      cache: { url: cacheUrl, keyPrefix, commandTimeout: COMMAND_TIMEOUT_MS },
      typeOrmSignals: { outbox: { sweepIntervalMs: SWEEP_MS } },
    });
    apps.push(app);
    return app;
  }

  /** Another process of the same app that only sweeps (no mappings): its own DataSource and cache. */
  async function sweeper(keyPrefix: string, sweepIntervalMs = SWEEP_MS): Promise<SignalsTestApp> {
    const app = await bootSignalsApp(db, {
      cache: { url: server.url, keyPrefix, commandTimeout: COMMAND_TIMEOUT_MS },
      typeOrmSignals: { outbox: { sweepIntervalMs } },
    });
    apps.push(app);
    return app;
  }

  /** Another process's cache: same Redis and prefix, no database. */
  async function reader(keyPrefix: string): Promise<CacheService> {
    const cache = createCache({ url: server.url, keyPrefix, commandTimeout: COMMAND_TIMEOUT_MS }, quiet);
    caches.push(cache);
    expect(await cache.ready()).toBe(true);
    return cache;
  }

  /** Saves a recipe titled v1 and caches its title in both caches. */
  async function seeded(app: SignalsTestApp, elsewhere: CacheService): Promise<Recipe> {
    const row = await app.dataSource.getRepository(Recipe).save(recipe('v1'));
    expect(await cachedTitle(app.cache, other, row.id)).toEqual({ value: 'v1', hit: false });
    expect(await cachedTitle(elsewhere, other, row.id)).toEqual({ value: 'v1', hit: true });
    return row;
  }

  async function retitle(app: SignalsTestApp, row: Recipe, title: string): Promise<void> {
    row.title = title;
    await app.dataSource.getRepository(Recipe).save(row);
  }

  it('a commit whose DEL landed leaves no row, and every process misses', async () => {
    const prefix = uniquePrefix('outbox-ok');
    const app = await writer(prefix);
    const elsewhere = await reader(prefix);
    const row = await seeded(app, elsewhere);
    await retitle(app, row, 'v2');
    expect(await other.outboxRows()).toEqual([]);
    expect(await cachedTitle(elsewhere, other, row.id)).toEqual({ value: 'v2', hit: false });
  });

  it('a rolled back transaction writes no row and invalidates nothing, even with Redis refusing writes', async () => {
    const prefix = uniquePrefix('outbox-rollback');
    const app = await writer(prefix);
    const elsewhere = await reader(prefix);
    const row = await seeded(app, elsewhere);
    await refuseWrites(server);
    await expect(
      app.dataSource.transaction(async (manager) => {
        row.title = 'never';
        await manager.save(row);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await other.outboxRows()).toEqual([]);
    expect(await cachedTitle(app.cache, other, row.id)).toEqual({ value: 'v1', hit: true });
    expect(app.cache.stats().invalidationsPending).toBe(0);
  });

  it('a transaction whose COMMIT fails (a deferred constraint) leaves no row: the row is written inside it', async () => {
    const app = await writer(uniquePrefix('outbox-commit-fails'));
    const runner = app.dataSource.createQueryRunner();
    try {
      await runner.query('CREATE TABLE IF NOT EXISTS sig_parent (id integer PRIMARY KEY)');
      await runner.query(
        'CREATE TABLE IF NOT EXISTS sig_child (id integer PRIMARY KEY, ' +
          'parent_id integer REFERENCES sig_parent (id) DEFERRABLE INITIALLY DEFERRED)',
      );
    } finally {
      await runner.release();
    }
    await refuseWrites(server);
    await expect(
      app.dataSource.transaction(async (manager) => {
        await manager.save(recipe('Orphaned'));
        // Checked only at COMMIT, after the outbox row was written.
        await manager.query('INSERT INTO sig_child (id, parent_id) VALUES (1, 999)');
      }),
    ).rejects.toThrow(/foreign key/i);
    expect(await other.countTitled('Orphaned')).toBe(0);
    expect(await other.outboxRows()).toEqual([]);
  });

  it('with Redis refusing the DEL, the commit leaves one row with its tags, and the row goes once Redis takes it', async () => {
    const prefix = uniquePrefix('outbox-refused');
    const app = await writer(prefix);
    const elsewhere = await reader(prefix);
    const [a, b, c] = await app.dataSource.getRepository(Recipe).save([recipe('A'), recipe('B'), recipe('C')]);
    await refuseWrites(server);

    await app.dataSource.transaction(async (manager) => {
      a!.title = 'A2';
      await manager.save(a!);
      await manager.save(ingredient('salt', b!.id));
      await manager
        .transaction(async (savepoint) => {
          c!.title = 'C2';
          await savepoint.save(c!);
          throw new Error('savepoint rolled back');
        })
        .catch(() => undefined);
      // A statement outside any savepoint (TypeORM's save() opens its own): its row version carries the top-level
      // transaction id, which the PostgreSQL check below compares with the outbox row's.
      await manager.increment(Recipe, { id: a!.id }, 'version', 1);
    });

    // One commit, one cache: one row holding the union of the commit's tags, none of the rolled back savepoint.
    const tags = [`recipe:${a!.id}`, `recipe:${b!.id}`, 'recipes'].sort();
    expect(await other.outboxRows()).toEqual([{ cacheName: 'default', tags }]);
    if (kind === 'postgres') {
      // Written by the very transaction that wrote the data, not next to it.
      const { recipe: tx, outbox } = await other.writingTransactions(a!.id);
      expect(outbox).toEqual([tx]);
    }
    expect(app.cache.stats().invalidationsPending).toBe(3);

    await acceptWrites(server);
    await waitFor(async () => (await other.outboxRows()).length === 0, SWEEP_BOUND_MS, 'the row was never deleted');
    expect(await cachedTitle(elsewhere, other, a!.id)).toEqual({ value: 'A2', hit: false });
  });

  it('another process applies a row left behind within the sweep bound once Redis takes writes again', async () => {
    const prefix = uniquePrefix('outbox-sweep');
    const app = await writer(prefix);
    const elsewhere = await reader(prefix);
    const row = await seeded(app, elsewhere);
    await refuseWrites(server);
    await retitle(app, row, 'v2');
    // The committing process never serves v1 again; the others cannot know while Redis refuses the DEL.
    expect(await cachedTitle(app.cache, other, row.id)).toEqual({ value: 'v2', hit: false });
    expect(await cachedTitle(elsewhere, other, row.id)).toEqual({ value: 'v1', hit: true });
    // The committing process goes away with its pending retry: only the row is left.
    await app.close();
    const survivor = await sweeper(prefix);
    // Its bootstrap replay met the refusal too: it keeps the row, and treats the tag as invalidated meanwhile.
    expect(await other.outboxRows()).toHaveLength(1);
    expect(await cachedTitle(survivor.cache, other, row.id)).toEqual({ value: 'v2', hit: false });

    await acceptWrites(server);
    const accepted = performance.now();
    await waitFor(
      async () => !(await cachedTitle(elsewhere, other, row.id)).hit,
      SWEEP_BOUND_MS,
      'another process kept serving v1',
    );
    expect(performance.now() - accepted).toBeLessThan(SWEEP_BOUND_MS);
    expect(await cachedTitle(elsewhere, other, row.id)).toEqual({ value: 'v2', hit: true });
    await waitFor(async () => (await other.outboxRows()).length === 0, SWEEP_BOUND_MS, 'the row was never deleted');
  });

  it('a process that died with a row left: the next one replays it at bootstrap', async () => {
    const prefix = uniquePrefix('outbox-crash');
    const app = await writer(prefix);
    const elsewhere = await reader(prefix);
    const row = await seeded(app, elsewhere);
    await refuseWrites(server);
    await retitle(app, row, 'v2');
    // A crash: the app goes while Redis still refuses, so its cache's last attempt fails and the retry is lost.
    await app.close();
    await acceptWrites(server);
    expect(await cachedTitle(elsewhere, other, row.id)).toEqual({ value: 'v1', hit: true });
    expect(await other.outboxRows()).toHaveLength(1);

    // No periodic sweep within the test: what happens is the bootstrap replay.
    await sweeper(prefix, 60_000);
    expect(await other.outboxRows()).toEqual([]);
    expect(await cachedTitle(elsewhere, other, row.id)).toEqual({ value: 'v2', hit: false });
    expect(logs.infos()).toContainEqual(expect.stringMatching(/applied 1 row\(s\) left behind/));
  });

  it('a DEL refused for another reason (NOPERM) keeps its row; the sweep logs once and retries until it lands', async () => {
    const prefix = uniquePrefix('outbox-noperm');
    await withClient(server, (client) => client.acl('SETUSER', 'nodel', 'on', 'nopass', '+@all', 'allkeys'));
    const app = await writer(prefix, `redis://nodel:x@127.0.0.1:${server.port}`);
    const elsewhere = await reader(prefix);
    const row = await seeded(app, elsewhere);
    // From now on the writer's user may read every key but write no tag token: its DEL fails with NOPERM.
    const keys = ['resetkeys', '%R~*', `%RW~${prefix}:[^~]*`, `%RW~${prefix}:~lock:*`];
    await withClient(server, (client) => client.acl('SETUSER', 'nodel', ...keys));
    await retitle(app, row, 'v2');
    expect(await other.outboxRows()).toEqual([{ cacheName: 'default', tags: [`recipe:${row.id}`, 'recipes'] }]);
    expect(logs.errors()).toContainEqual(
      expect.stringMatching(/Invalidating \[.*"recipes".*\] in cache "default" for Recipe failed: NOPERM.*row stays/),
    );
    await waitFor(
      () => logs.errors().some((line) => /outbox row\(s\) failed: NOPERM.*retrying every 200 ms/.test(line)),
      SWEEP_BOUND_MS,
      'the sweep did not report the failure',
    );
    // Two more passes (the second cannot join one that started before the first log): still one log line.
    await app.moduleRef.get(OutboxSweeper).sweep();
    await app.moduleRef.get(OutboxSweeper).sweep();
    expect(logs.errors().filter((line) => line.includes('outbox row(s) failed'))).toHaveLength(1);
    expect(await other.outboxRows()).toHaveLength(1);

    await withClient(server, (client) => client.acl('SETUSER', 'nodel', 'allkeys'));
    await waitFor(async () => (await other.outboxRows()).length === 0, SWEEP_BOUND_MS, 'the row was never applied');
    expect(await cachedTitle(elsewhere, other, row.id)).toEqual({ value: 'v2', hit: false });
    expect(logs.infos()).toContainEqual(expect.stringContaining('the rows of cache "default" are applied again'));
  });

  it('a write outside any transaction records its row after the fact when the DEL did not land', async () => {
    const prefix = uniquePrefix('outbox-autocommit');
    const app = await writer(prefix);
    const food = await app.dataSource.getRepository(Food).save(Object.assign(new Food(), { name: 'Basil' }));
    await refuseWrites(server);
    food.name = 'Thai basil';
    await app.dataSource.getRepository(Food).save(food, { transaction: false });
    expect(await other.outboxRows()).toEqual([{ cacheName: 'default', tags: ['recipes'] }]);
    await acceptWrites(server);
    await waitFor(async () => (await other.outboxRows()).length === 0, SWEEP_BOUND_MS, 'the row was never deleted');
  });

  it('writes to several entities in one commit share one row per cache', async () => {
    const prefix = uniquePrefix('outbox-batch');
    const app = await writer(prefix);
    await refuseWrites(server);
    const soup = await app.dataSource.transaction(async (manager) => {
      const saved = await manager.save(recipe('Soup'));
      await manager.save([ingredient('leek', saved.id), ingredient('salt', saved.id)]);
      await manager.save(Object.assign(new Food(), { name: 'Leek' }));
      return saved;
    });
    expect(await other.outboxRows()).toEqual([{ cacheName: 'default', tags: [`recipe:${soup.id}`, 'recipes'] }]);
    expect(await app.dataSource.getRepository(Ingredient).countBy({ recipeId: soup.id })).toBe(2);
  });
});
