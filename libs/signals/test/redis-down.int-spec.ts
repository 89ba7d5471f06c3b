import { performance } from 'node:perf_hooks';
import { createCache, type CacheService } from '@stash/cache';
import type { Repository } from 'typeorm';
import { RedisServerProcess, waitFor } from '../../../test/support/redis-server.js';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '../../../test/support/test-database.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { Recipe, recipe } from './support/entities.js';
import { LogCapture } from './support/log-capture.js';
import { bootSignalsApp, COOKBOOK_MAPPINGS, type SignalsTestApp } from './support/signals-test-app.js';

const COMMAND_TIMEOUT_MS = 300;
// What a save may take beyond one command timeout: the database round trips and the scheduler.
const MARGIN_MS = 1_500;
const quiet = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

/**
 * Redis down while a write commits: the save must still resolve within the cache's command timeout (plus a margin),
 * and the invalidation must not be lost: this process never serves the old entry as fresh while the tags are
 * pending, and once Redis is back the retry deletes the tags, so every process misses.
 */
describe.each(TEST_DATABASE_KINDS)('invalidation while Redis is down, on %s', (kind) => {
  let server: RedisServerProcess;
  let db: TestDatabase;
  let app: SignalsTestApp;
  let cache: CacheService;
  let otherProcess: CacheService;
  let recipes: Repository<Recipe>;
  let logs: LogCapture;

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    db = await createTestDatabase(kind, 'redis_down');
  });

  afterAll(async () => {
    await db?.drop();
    await server?.stop();
  });

  beforeEach(async () => {
    logs = new LogCapture();
    const keyPrefix = uniquePrefix('down');
    app = await bootSignalsApp(db, {
      mappings: COOKBOOK_MAPPINGS,
      cache: { url: server.url, keyPrefix, commandTimeout: COMMAND_TIMEOUT_MS },
    });
    cache = app.cache;
    expect(await cache.ready()).toBe(true);
    otherProcess = createCache({ url: server.url, keyPrefix, commandTimeout: COMMAND_TIMEOUT_MS }, quiet);
    expect(await otherProcess.ready()).toBe(true);
    recipes = app.dataSource.getRepository(Recipe);
  });

  afterEach(async () => {
    if (!server.running) await server.start();
    else await server.signal('SIGCONT');
    await otherProcess?.close();
    await app?.close();
    logs.restore();
  });

  /** A tagged read of the recipe's title through `getOrSet`: loads from the database on a miss. */
  function readTitle(from: CacheService, row: Recipe, onLoad?: () => void): Promise<string> {
    return from.getOrSet(
      `recipe:${row.id}:title`,
      async () => {
        onLoad?.();
        return (await recipes.findOneByOrFail({ id: row.id })).title;
      },
      { tags: [`recipe:${row.id}`], ttl: 600 },
    );
  }

  async function timedSave(row: Recipe): Promise<number> {
    const started = performance.now();
    await recipes.save(row);
    return performance.now() - started;
  }

  it('stalled (SIGSTOP): the save resolves in bounded time and the stale entry is never served', async () => {
    const row = await recipes.save(recipe('v1'));
    expect(await readTitle(cache, row)).toBe('v1');
    expect(await readTitle(otherProcess, row)).toBe('v1');

    await server.signal('SIGSTOP');
    row.title = 'v2';
    expect(await timedSave(row)).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    expect(cache.stats().invalidationsPending).toBeGreaterThan(0);
    // Redis stalled: the read fails open to the loader; never the cached v1.
    expect(await readTitle(cache, row)).toBe('v2');

    await server.signal('SIGCONT');
    // Until the retry lands this process treats the tags as invalidated; afterwards Redis has no token either.
    expect(await readTitle(cache, row)).toBe('v2');
    await waitFor(() => cache.stats().invalidationsPending === 0, 10_000, 'the queued invalidation never landed');

    let otherLoaded = false;
    expect(await readTitle(otherProcess, row, () => (otherLoaded = true))).toBe('v2');
    expect(otherLoaded).toBe(true);
    expect(await readTitle(cache, row)).toBe('v2');
  });

  it('gone (SIGKILL, then restart): the save resolves in bounded time and reads never return v1', async () => {
    const row = await recipes.save(recipe('v1'));
    expect(await readTitle(cache, row)).toBe('v1');

    await server.signal('SIGKILL');
    row.title = 'v2';
    expect(await timedSave(row)).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    expect(cache.stats().invalidationsPending).toBeGreaterThan(0);
    expect(await readTitle(cache, row)).toBe('v2');

    await server.start();
    await waitFor(() => cache.stats().invalidationsPending === 0, 10_000, 'the queued invalidation never landed');
    expect(await readTitle(cache, row)).toBe('v2');
    expect(await readTitle(otherProcess, row)).toBe('v2');
  });
});
