import { randomBytes } from 'node:crypto';
import type { InProcessSizes } from '@stash/cache';
import { Redis } from 'ioredis';
import { cookbookEnv } from '../support/cookbook-env.js';
import { RedisServerProcess, waitFor } from '../support/redis-server.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { uniquePrefix } from '../support/test-redis.js';
import { CookbookProcess, getJson } from '../tools/cookbook-process.js';
import { runLoad, type LoadReport, type LoadRequest } from '../tools/http-load.js';
import { CacheFiller, type FillerReport } from './memory-cache-filler.js';
import { GC_PROBE_NODE_OPTIONS } from './memory-gc-probe.js';
import { maxRecipeId, signIn, xCache } from './memory-http.js';
import { pageIdHash, pageKeysByIdHash, PageKeyWatcher, scanKeys } from './memory-keys.js';
import { HEAP_LEVEL_BOUND, levelOff, RSS_LEVEL_BOUND } from './memory-levels.js';
import { junkQuery, readRequest, UNKNOWN_ID_BASE, writeRequest } from './memory-load.js';
import { findSizes, MemorySampler, redisMemory } from './memory-sampler.js';
import { recordSoakRun, type SoakRun } from './memory-soak-run.js';

// Scenario 8 (docs/reliability.md). STASH_SOAK_SECONDS sets the load's duration: 12 s in `npm test`, 60 s in
// `npm run test:soak`.
const SOAK_SECONDS = Number(process.env.STASH_SOAK_SECONDS ?? 12);
// Each third of the run needs a few of its one-a-second samples.
if (!Number.isInteger(SOAK_SECONDS) || SOAK_SECONDS < 6 || SOAK_SECONDS > 3_600) {
  throw new Error(`STASH_SOAK_SECONDS must be whole seconds from 6 to 3600, got ${process.env.STASH_SOAK_SECONDS}`);
}
const LOAD_MS = SOAK_SECONDS * 1_000;
const MAXMEMORY_BYTES = 64 * 1024 * 1024;
// Values the filler streams: three times maxmemory over the run, so that Redis is full from the first third on
// (and still full if a busy machine lets it keep only a third of that pace).
const FILL_VALUE_BYTES = 64 * 1024;
const FILL_BYTES_PER_SECOND = (3 * MAXMEMORY_BYTES) / SOAK_SECONDS;
const FILL_CONCURRENCY = 8;
const READ_CONCURRENCY = 6;
const WRITE_CONCURRENCY = 1;
// A map bounded by the requests in flight holds at most a few entries per request (a page flight, its Vary
// read, the getOrSet flights of the guard, the handler and the sidebar fragment).
const IN_FLIGHT_BOUND = 4 * (READ_CONCURRENCY + WRITE_CONCURRENCY);
// Redis evicts before it runs a command, so used_memory passes maxmemory by at most what the last write added
// (a 64 KiB value and its overhead) until the next command: 1 MiB is far more than that.
const REDIS_SLACK_BYTES = 1024 * 1024;
const DRAIN_MS = 5_000;
// Far above what the app serves (about 60 a second here), and a bound on what a dead app's refusals pile up.
const MAX_REQUESTS = 1_000 * SOAK_SECONDS;

describe('scenario 8: memory under unique keys, Redis at maxmemory 64mb', () => {
  let redis: RedisServerProcess;
  let admin: Redis;
  let db: TestDatabase;
  let app: CookbookProcess;
  let prefix: string;
  let run: SoakRun;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    await admin.config('SET', 'maxmemory', String(MAXMEMORY_BYTES));
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    // PostgreSQL: the reads run beside the writer (SQLite runs one transaction at a time, and would queue them).
    db = await createTestDatabase('postgres', 'memory');
    prefix = uniquePrefix('memory');
    app = await CookbookProcess.start({
      label: 'memory',
      env: cookbookEnv(db, prefix, {
        REDIS_URL: redis.url,
        STASH_TEST_HOOKS: '1',
        NODE_OPTIONS: GC_PROBE_NODE_OPTIONS,
      }),
    });
    run = await soak();
    recordSoakRun(run, SOAK_SECONDS, MAXMEMORY_BYTES);
  }, LOAD_MS + 120_000);

  afterAll(async () => {
    await app?.stop();
    await admin?.quit();
    await redis?.stop();
    await db?.drop();
  });

  async function soak(): Promise<SoakRun> {
    const cookie = await signIn(app.url, 'alice');
    const fixtures = await maxRecipeId(app.url);
    const runId = randomBytes(3).toString('hex');
    let writesStarted = 0;
    const filler = CacheFiller.start({
      redisUrl: redis.url,
      keyPrefix: `${prefix}-filler`,
      valueBytes: FILL_VALUE_BYTES,
      bytesPerSecond: FILL_BYTES_PER_SECOND,
      concurrency: FILL_CONCURRENCY,
      maxDurationMs: LOAD_MS,
    });
    const pages = new PageKeyWatcher(admin, prefix);
    const sampler = MemorySampler.start({
      app,
      statsUrl: statsUrl(),
      redis: admin,
      fillerSizes: () => filler.inProcessSizes(),
    });
    // Reads go to recipes that exist, or were asked for: a write still in flight may answer a 404 first.
    const ids = { knownMax: () => fixtures + writesStarted };
    const loads = Promise.all([
      load(READ_CONCURRENCY, (index) => readRequest(index, ids)),
      load(WRITE_CONCURRENCY, (index) => {
        writesStarted = index + 1;
        return writeRequest(index, runId, cookie);
      }),
    ]);
    // Everything is awaited, whatever fails: the filler's cache closed, no sample in progress.
    const [loaded, fillerDone, sampled, watched] = await Promise.allSettled([
      loads,
      filler.finish(),
      loads.finally(() => sampler.stop()),
      loads.finally(() => pages.stop()),
    ]);
    for (const outcome of [loaded, fillerDone, sampled, watched])
      if (outcome.status === 'rejected') throw outcome.reason;
    const [reads, writes] = (loaded as PromiseFulfilledResult<[LoadReport, LoadReport]>).value;
    const fillerReport = (fillerDone as PromiseFulfilledResult<FillerReport>).value;
    const redisAfter = await redisMemory(admin);
    const drainedApp = await drainedSizes();
    return {
      reads,
      writes,
      filler: fillerReport,
      samples: sampler.samples,
      statsFailures: sampler.statsFailures,
      drained: { app: drainedApp, filler: filler.inProcessSizes() },
      rss: levelOff(
        sampler.samples.map((sample) => ({ atMs: sample.atMs, bytes: sample.appRssBytes })),
        RSS_LEVEL_BOUND,
      ),
      heap: levelOff(
        sampler.samples.map((sample) => ({ atMs: sample.atMs, bytes: sample.appHeapUsedBytes })),
        HEAP_LEVEL_BOUND,
      ),
      recipesCreated: writes.byStatus[201] ?? 0,
      pagesSeen: [...pages.seen],
      redisAfter,
    };
  }

  function load(concurrency: number, requests: (index: number) => LoadRequest): Promise<LoadReport> {
    return runLoad({ baseUrl: app.url, requests, concurrency, maxDurationMs: LOAD_MS, maxRequests: MAX_REQUESTS });
  }

  function statsUrl(): string {
    return `${app.url}/__stash/stats`;
  }

  /** The app's in-process sizes once every map bounded by in-flight work is empty again (or after DRAIN_MS). */
  async function drainedSizes(): Promise<InProcessSizes> {
    let sizes: InProcessSizes = {};
    await waitFor(
      async () => {
        sizes = findSizes((await getJson(statsUrl(), 2_000)).body);
        return inFlight(sizes).every(([, size]) => size === 0);
      },
      DRAIN_MS,
      'in-flight maps drained',
    ).catch(() => undefined);
    return sizes;
  }

  it('answers every request, without a 5xx or a timeout, and keeps creating recipes', () => {
    for (const report of [run.reads, run.writes]) {
      expect({ serverErrors: report.serverErrors, timeouts: report.timeouts, errors: report.errors }).toEqual({
        serverErrors: 0,
        timeouts: 0,
        errors: 0,
      });
    }
    // Pages and API reads of recipes (200), of unknown ids and of recipes still being written (404).
    expect(Object.keys(run.reads.byStatus).sort()).toEqual(['200', '404']);
    expect(run.writes.byStatus).toEqual({ 201: run.writes.count });
    expect(run.recipesCreated).toBeGreaterThan(0);
    expect(run.filler.errors).toBe(0);
    expect(run.filler.loads).toBe(run.filler.calls);
  });

  it('keeps every in-process map within its bound at every sample, and drains those bounded by in-flight work', () => {
    expect(run.statsFailures).toBe(0);
    const names = Object.keys(run.samples[0]!.appSizes).join(' ');
    // Without these the check below would pass on an endpoint that reports nothing.
    for (const expected of ['getOrSetFlights', 'learnedVaryLists', 'pageFlights', 'pendingInvalidations'])
      expect(names).toContain(expected);
    const overflows: string[] = [];
    for (const sample of run.samples) {
      for (const [owner, sizes] of [
        ['app', sample.appSizes],
        ['filler', sample.fillerSizes],
      ] as const) {
        for (const [name, { size, max }] of Object.entries(sizes)) {
          const bound = max ?? (owner === 'app' ? IN_FLIGHT_BOUND : FILL_CONCURRENCY);
          if (size > bound) overflows.push(`${owner} ${name}: ${size} > ${bound} at ${Math.round(sample.atMs)} ms`);
        }
      }
    }
    expect(overflows).toEqual([]);
    expect(inFlight(run.drained.app).filter(([, size]) => size > 0)).toEqual([]);
    expect(inFlight(run.drained.filler).filter(([, size]) => size > 0)).toEqual([]);
  });

  it("levels off the app's RSS and live heap", () => {
    expect(run.rss.lastPeakBytes).toBeLessThanOrEqual(run.rss.allowedBytes);
    expect(run.heap.lastPeakBytes).toBeLessThanOrEqual(run.heap.allowedBytes);
  });

  it('stores nothing for junk query parameters or unknown ids', async () => {
    const legit = new Set<string>();
    const maxId = await maxRecipeId(app.url);
    for (let id = 1; id <= maxId; id++) legit.add(pageIdHash(app.port, `/cookbook/recipes/${id}`));
    // Every page seen in Redis during the run (scanned each second), and those there now.
    const stored = new Set([...run.pagesSeen, ...(await pageKeysByIdHash(admin, prefix)).keys()]);
    expect(run.pagesSeen.length).toBeGreaterThan(0);
    expect([...stored].filter((idHash) => !legit.has(idHash))).toEqual([]);
    // getOrSet entries (and fill locks) of API reads of unknown ids; the same pattern finds a known one.
    expect(await scanKeys(admin, `${prefix}:*recipes:${unknownIdPattern()}`)).toEqual([]);
    expect((await xCache(app.url, ['/api/recipes/2', '/api/recipes/2']))[1]).toBe('HIT');
    expect(await scanKeys(admin, `${prefix}:*recipes:2`)).not.toEqual([]);

    // Quiet now: one page, then junk variants of it, all served from its one stored copy.
    const path = '/cookbook/recipes/2';
    await waitFor(async () => (await xCache(app.url, [path]))[0] === 'HIT', 10_000, `${path} cached`);
    const before = (await pageKeysByIdHash(admin, prefix)).get(pageIdHash(app.port, path));
    const junk = Array.from({ length: 20 }, (_, i) => `${path}?${junkQuery(1_000_000 + i)}`);
    expect(await xCache(app.url, junk)).toEqual(junk.map(() => 'HIT'));
    expect((await pageKeysByIdHash(admin, prefix)).get(pageIdHash(app.port, path))).toBe(before);
  });

  it('keeps Redis within maxmemory, and Redis evicts', () => {
    const peak = Math.max(...run.samples.map((sample) => sample.redisUsedBytes));
    expect(run.samples.every((sample) => sample.redisMaxBytes === MAXMEMORY_BYTES)).toBe(true);
    expect(peak).toBeLessThanOrEqual(MAXMEMORY_BYTES + REDIS_SLACK_BYTES);
    expect(run.redisAfter.usedBytes).toBeLessThanOrEqual(MAXMEMORY_BYTES + REDIS_SLACK_BYTES);
    expect(run.redisAfter.evictedKeys).toBeGreaterThan(0);
  });

  it('leaves the app clean: no restart, no unhandled rejection or ioredis error event', async () => {
    await app.assertClean();
  });
});

/** A glob matching the ids of `UNKNOWN_ID_BASE`'s decade (1000000000 to 1999999999) and no smaller one. */
function unknownIdPattern(): string {
  return `1${'[0-9]'.repeat(String(UNKNOWN_ID_BASE).length - 1)}`;
}

/** The maps with no bound of their own (`max: null`): bounded by the work in flight. */
function inFlight(sizes: InProcessSizes): [string, number][] {
  return Object.entries(sizes)
    .filter(([, { max }]) => max === null)
    .map(([name, { size }]) => [name, size]);
}
