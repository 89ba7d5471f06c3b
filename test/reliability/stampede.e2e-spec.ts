import pg from 'pg';
import { testPostgresUrl } from '../support/test-database.js';
import { CookbookCluster } from '../tools/cookbook-cluster.js';
import { runLoad, type LoadReport } from '../tools/http-load.js';
import { recordResult } from '../tools/reliability-log.js';
import {
  cacheStatuses,
  loaderRunsBetween,
  lockWaitsBetween,
  stashStats,
  type StashStatsSnapshot,
} from './stampede-stats.js';

// Scenario 3 (docs/reliability.md): 1000 concurrent requests on a cold route, split over two cookbook processes on
// one PostgreSQL schema and one Redis. Every loader and cached page handler waits 1 s before reading the database
// (the test hooks' loader delay), so that the requests arrive while the first one is loading: accepting 1000
// connections takes the two processes a few seconds on a busy two-core machine.
// Bounds (docs/design.md, "Stampede control"): a getOrSet loader runs once across processes (the fill lock); a cold
// @CachePage handler runs once per process (its flights are in process; the getOrSet inside it still runs once).
const LOADER_DELAY_MS = 1_000;
const BURST = 1_000;

describe('scenario 3: a stampede on cold routes across two cookbook processes', () => {
  let cluster: CookbookCluster;

  beforeAll(async () => {
    cluster = await CookbookCluster.start({
      label: 'stampede',
      count: 2,
      kind: 'postgres',
      env: { STASH_TEST_HOOKS: '1', STASH_TEST_LOADER_DELAY_MS: String(LOADER_DELAY_MS) },
    });
  });

  afterAll(async () => {
    try {
      await cluster?.assertClean();
    } finally {
      await cluster?.close();
    }
  });

  const statsOfBoth = (): Promise<StashStatsSnapshot[]> => Promise.all(cluster.processes.map(stashStats));

  /** `BURST` requests for `path`, all in flight at once, alternating between the two processes. */
  function burst(path: string): Promise<LoadReport> {
    return runLoad({
      baseUrl: cluster.at(0).url,
      // One Host for both, as behind a load balancer: the page cache keys pages by absolute URL.
      host: 'localhost',
      requests: (i) => ({ path: `${cluster.at(i % 2).url}${path}` }),
      concurrency: BURST,
      maxRequests: BURST,
      maxDurationMs: 15_000,
      timeoutMs: 15_000,
    });
  }

  /** Results of the requests sent to process `index` (the burst alternates, starting with process 0). */
  const sentTo = (report: LoadReport, index: number) => report.results.filter((result) => result.index % 2 === index);

  it('a cold getOrSet route (/api/recipes/7): the loader runs once across both processes, one body for all', async () => {
    const before = await statsOfBoth();
    const report = await burst('/api/recipes/7');
    const after = await statsOfBoth();
    const runs = loaderRunsBetween(before, after);

    expect(report.byStatus).toEqual({ 200: BURST });
    // The other process missed while the first was loading, and waited for its fill lock.
    expect(lockWaitsBetween(before, after)).toBeGreaterThanOrEqual(1);
    expect(runs).toEqual({ 'recipes:7': 1 });
    expect(cacheStatuses(report.results)).toEqual({ MISS: 1, HIT: BURST - 1 });
    expect(new Set(report.results.map((result) => result.bodySha256)).size).toBe(1);
    recordResult('3', `getOrSet route, ${BURST} concurrent requests over two processes`, {
      loaderRuns: runs['recipes:7'] ?? 0,
      lockWaits: lockWaitsBetween(before, after),
      bodies: new Set(report.results.map((result) => result.bodySha256)).size,
      p50Ms: report.latency.p50,
      p99Ms: report.latency.p99,
      maxMs: report.latency.max,
    });
  });

  it('a cold @CachePage route (/cookbook/): the handler runs at most once per process, its getOrSet once', async () => {
    const before = await statsOfBoth();
    const report = await burst('/cookbook/');
    const runs = loaderRunsBetween(before, await statsOfBoth());

    expect(report.byStatus).toEqual({ 200: BURST });
    const pageRuns = runs['page:/cookbook/'] ?? 0;
    expect(pageRuns).toBeGreaterThanOrEqual(1);
    expect(pageRuns).toBeLessThanOrEqual(2);
    expect(runs).toEqual({ 'page:/cookbook/': pageRuns, 'recipes:all': 1 });
    for (const index of [0, 1]) expect(cacheStatuses(sentTo(report, index)).MISS ?? 0).toBeLessThanOrEqual(1);
    expect(cacheStatuses(report.results).MISS).toBe(pageRuns);
    expect(new Set(report.results.map((result) => result.bodySha256)).size).toBe(1);
    recordResult('3', `@CachePage route, ${BURST} concurrent requests over two processes`, {
      handlerRuns: pageRuns,
      loaderRuns: runs['recipes:all'] ?? 0,
      bodies: new Set(report.results.map((result) => result.bodySha256)).size,
      p50Ms: report.latency.p50,
      p99Ms: report.latency.p99,
      maxMs: report.latency.max,
    });
  });

  it('a throwing loader is not cached: every concurrent caller gets the error, the next request loads again', async () => {
    // The loader's query fails for real: the table it joins is renamed away (PostgreSQL DDL is transactional and
    // the rename waits for the reads in progress), and renamed back afterwards.
    const ingredients = `"${(cluster.db.typeorm as { schema: string }).schema}".ingredients`;
    const before = await statsOfBoth();
    await sql(`ALTER TABLE ${ingredients} RENAME TO ingredients_away`);
    let report: LoadReport;
    try {
      report = await burst('/api/recipes/9');
    } finally {
      await sql(`ALTER TABLE ${ingredients.replace('.ingredients', '.ingredients_away')} RENAME TO ingredients`);
    }
    const failedRuns = loaderRunsBetween(before, await statsOfBoth())['recipes:9'] ?? 0;

    expect(report.byStatus).toEqual({ 500: BURST });
    expect(failedRuns).toBeGreaterThanOrEqual(1);
    // Nothing was stored: the next request runs the loader again, and its value is then cached.
    const next = await runLoad({
      baseUrl: cluster.at(1).url,
      requests: [{ path: '/api/recipes/9' }],
      concurrency: 1,
      maxRequests: 2,
      maxDurationMs: 5_000,
    });
    expect(next.results.map((result) => [result.status, result.headers['x-cache']])).toEqual([
      [200, 'MISS'],
      [200, 'HIT'],
    ]);
    recordResult('3', `throwing loader, ${BURST} concurrent requests over two processes`, {
      errors: report.byStatus[500] ?? 0,
      loaderRuns: failedRuns,
      p99Ms: report.latency.p99,
    });
  });
});

async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
