import { NodeBuild, type NodeApp } from '../../libs/cache/test/support/node-build.js';
import { sleep, waitFor } from '../support/redis-server.js';
import { testRedisUrl, uniquePrefix } from '../support/test-redis.js';
import { deleteCookbookKeys } from '../tools/cookbook-cluster.js';
import { getJson } from '../tools/cookbook-process.js';
import { runLoad, type LoadReport } from '../tools/http-load.js';
import { recordResult } from '../tools/reliability-log.js';
import { mergeRuns, type WorkerRuns } from './stampede-runs.js';

// Scenario 3 (docs/reliability.md), background refreshes: no cookbook route uses stale-while-revalidate or early
// refresh, so two processes of a small app run `CacheService.getOrSet` on one Redis and one key prefix
// (stampede-worker.main.ts), and every loader run of both is logged with its start and end.
const WORKER = 'test/reliability/stampede-worker.main.ts';
const LOADER_MS = 300;

describe('scenario 3: background refreshes across two processes on one Redis', () => {
  let build: NodeBuild;
  let workers: NodeApp[] = [];
  const prefix = uniquePrefix('stampede-refresh');

  beforeAll(async () => {
    build = await NodeBuild.create([WORKER]);
    const env = { REDIS_URL: testRedisUrl(), KEY_PREFIX: prefix, LOADER_DELAY_MS: String(LOADER_MS) };
    workers = await Promise.all([build.start(WORKER, env, 20_000), build.start(WORKER, env, 20_000)]);
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await deleteCookbookKeys(testRedisUrl(), prefix);
  });

  async function runsOfBoth(): Promise<WorkerRuns[]> {
    return Promise.all(workers.map(async (worker) => (await getJson(`${worker.url}/runs`, 2_000)).body as WorkerRuns));
  }

  async function value(worker: NodeApp, query: string): Promise<string> {
    const { status, body } = await getJson(`${worker.url}/get?${query}`, 5_000);
    expect(status).toBe(200);
    return (body as { value: string }).value;
  }

  /** `count` requests for `query`, `concurrency` at a time, alternating between the two processes. */
  function load(query: string, count: number, concurrency: number, maxDurationMs: number): Promise<LoadReport> {
    return runLoad({
      baseUrl: workers[0]!.url,
      requests: (i) => ({ path: `${workers[i % 2]!.url}/get?${query}` }),
      concurrency,
      maxRequests: count,
      maxDurationMs,
      keepBodies: true,
    });
  }

  it('stale-while-revalidate: 1000 concurrent reads of a stale entry get it at once, and one refresh runs', async () => {
    const query = 'key=swr&ttl=2&swr=30';
    const first = await value(workers[0]!, query);
    await sleep(2_100); // the entry's fresh lifetime (ttl=2) runs out

    const report = await load(query, 1_000, 1_000, 10_000);
    expect(report.count).toBe(1_000);
    expect(report.byStatus).toEqual({ 200: 1_000 });
    await waitFor(async () => mergeRuns(await runsOfBoth(), 'swr').ended === 2, 5_000, 'the refresh did not end');
    await sleep(2 * LOADER_MS); // room for a second refresh, had another process started one
    const runs = mergeRuns(await runsOfBoth(), 'swr');
    expect(runs.total).toBe(2);
    expect(runs.problems).toEqual([]);
    const refreshed = runs.all[1]!.value;
    // Readers got the stale value until the refresh was stored, then the refreshed one; none ran a loader.
    const values = report.results.map((result) => JSON.parse(result.body!).value as string);
    expect(values.filter((served) => served !== first && served !== refreshed)).toEqual([]);
    const stale = values.filter((served) => served === first).length;
    expect(stale).toBeGreaterThan(0);
    expect([await value(workers[0]!, query), await value(workers[1]!, query)]).toEqual([refreshed, refreshed]);
    recordResult('3', 'swr: 1000 stale reads over two processes', {
      refreshes: runs.total - 1,
      staleServed: stale,
      p99Ms: report.latency.p99,
      maxMs: report.latency.max,
    });
  });

  it('early refresh (XFetch): refreshes of a hot key across both processes never overlap', async () => {
    // beta 5 and a 300 ms loader: a hit refreshes with probability exp(-remaining / 1.5 s), so one does soon
    // after every refresh, and refreshes follow each other as closely as the fill lock lets them.
    const query = 'key=early&ttl=1&beta=5';
    await value(workers[0]!, query);
    const report = await load(query, 20_000, 20, 3_000);
    expect(report.failures).toBe(0);

    await waitFor(async () => mergeRuns(await runsOfBoth(), 'early').running === 0, 5_000, 'a refresh did not end');
    const runs = mergeRuns(await runsOfBoth(), 'early');
    expect(runs.problems).toEqual([]);
    expect(runs.total).toBeGreaterThanOrEqual(4);
    expect(runs.pids.size).toBe(2);
    expect(runs.overlaps).toEqual([]);
    // Each run after the first was an early refresh: it started before the value it replaced expired (ttl=1).
    const leadsMs = runs.all.slice(1).map((run, i) => runs.all[i]!.endedAt! + 1_000 - run.startedAt);
    expect(leadsMs.filter((lead) => lead <= 0)).toEqual([]);
    recordResult('3', 'early refresh: 3 s of reads over two processes', {
      requests: report.count,
      refreshes: runs.total - 1,
      overlaps: runs.overlaps.length,
      smallestGapMs: runs.smallestGapMs,
      smallestLeadMs: Math.min(...leadsMs),
    });
  });
});
