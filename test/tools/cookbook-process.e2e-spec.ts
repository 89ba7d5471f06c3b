import request from 'supertest';
import type { StashStatsSnapshot } from '../../apps/cookbook/src/test-hooks/stash-stats.service.js';
import { CookbookCluster } from './cookbook-cluster.js';
import { CookbookProcess, getJson, problemIn } from './cookbook-process.js';

const LOADER_DELAY_MS = 300;
// One host for every process, as behind a load balancer: the page cache keys pages by absolute URL.
const HOST = 'localhost';

const page = (cookbook: CookbookProcess, path: string) => request(cookbook.url).get(path).set('Host', HOST);

async function signIn(cookbook: CookbookProcess, username: string): Promise<string> {
  const response = await request(cookbook.url).post('/api/login').send({ username, password: 'cookbook' }).expect(200);
  const cookies = response.headers['set-cookie'] as unknown as string[];
  return cookies.map((cookie) => cookie.split(';')[0]).join('; ');
}

async function stats(cookbook: CookbookProcess): Promise<StashStatsSnapshot> {
  const { status, body } = await getJson(`${cookbook.url}/__stash/stats`, 2_000);
  expect(status).toBe(200);
  return body as StashStatsSnapshot;
}

/** Milliseconds a request took, and its response. */
async function timed<T>(send: () => PromiseLike<T>): Promise<[number, T]> {
  const started = performance.now();
  const response = await send();
  return [performance.now() - started, response];
}

describe('problemIn', () => {
  it.each([
    ['[cookbook-process] unhandledRejection: Error: boom', 'unhandled rejection'],
    ['(node:12) UnhandledPromiseRejectionWarning: Error: x', 'unhandled rejection'],
    ['[cookbook-process] uncaughtException: TypeError: y', 'uncaught exception'],
    ['[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6390', 'ioredis unhandled error event'],
    ['[Nest] 1  - LOG [Cookbook] Listening on http://localhost:3000/cookbook/', undefined],
    ['[Nest] 1  - WARN [StashCache] Cache "default": Redis connection error: connect ECONNREFUSED', undefined],
  ])('%s → %s', (line, kind) => {
    expect(problemIn(line)?.kind).toBe(kind);
  });
});

// Two cookbook processes on one PostgreSQL schema and the suite's Redis, with the test hooks on.
describe('CookbookProcess: two cookbook processes on one database and one Redis', () => {
  let cluster: CookbookCluster;
  let a: CookbookProcess;
  let b: CookbookProcess;

  beforeAll(async () => {
    cluster = await CookbookCluster.start({
      label: 'two-processes',
      count: 2,
      env: { STASH_TEST_HOOKS: '1', STASH_TEST_LOADER_DELAY_MS: String(LOADER_DELAY_MS) },
    });
    [a, b] = [cluster.at(0), cluster.at(1)];
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
  }, 30_000);

  it('share pages, invalidations and sessions, and stay clean', async () => {
    const filled = await page(a, '/cookbook/').expect(200);
    const shared = await page(b, '/cookbook/').expect(200);
    expect([filled.headers['x-cache'], shared.headers['x-cache']]).toEqual(['MISS', 'HIT']);
    expect(shared.text).toBe(filled.text);

    const onB = await signIn(b, 'alice');
    const name = `Renamed on B ${Date.now()}`;
    await request(b.url).patch('/api/recipes/1').set('Cookie', onB).send({ name }).expect(200);
    const refreshed = await page(a, '/cookbook/').expect(200);
    expect(refreshed.headers['x-cache']).toBe('MISS');
    expect(refreshed.text).toContain(name);

    const onA = await signIn(a, 'bob');
    const me = await request(b.url).get('/api/me').set('Cookie', onA).expect(200);
    expect(me.body.user).toMatchObject({ username: 'bob' });

    await cluster.assertClean();
    expect(a.outputProblems()).toEqual([]);
  });

  it('serve GET /__stash/stats with the test hooks on: process, caches, breaker, loader runs, in-process sizes', async () => {
    const response = await request(a.url).get('/__stash/stats').expect(200);
    expect(response.headers['cache-control']).toContain('no-store');
    const snapshot = response.body as StashStatsSnapshot;
    expect(snapshot).toMatchObject({
      pid: a.pid,
      uptimeMs: expect.any(Number),
      memory: { rssBytes: expect.any(Number), heapUsedBytes: expect.any(Number) },
      loaderRuns: { delayMs: LOADER_DELAY_MS },
      oversized: [],
    });
    expect(snapshot.memory.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(Object.keys(snapshot.caches).sort()).toEqual(['default', 'rate-limit']);
    expect(snapshot.caches.default!.stats).toMatchObject({ cache: 'default', breaker: 'closed' });
    expect(snapshot.caches.default!.inProcessSizes).toEqual({
      getOrSetFlights: { size: 0, max: null },
      backgroundRefreshes: { size: 0, max: null },
      pendingInvalidations: { size: 0, max: 10_000 },
      recentInvalidations: { size: expect.any(Number), max: 10_000 },
    });
    expect(snapshot.pageCache.inProcessSizes).toMatchObject({
      learnedVaryLists: { size: expect.any(Number), max: 10_000 },
      pageStores: { size: expect.any(Number), max: 2 },
    });
    // Served by the process itself, every time: not stored by the page cache.
    expect((await stats(a)).uptimeMs).toBeGreaterThanOrEqual(snapshot.uptimeMs);
  });

  it('delay every loader on a miss by STASH_TEST_LOADER_DELAY_MS, and count it; a hit waits for nothing', async () => {
    const cookie = await signIn(a, 'alice');
    const created = await request(a.url)
      .post('/api/recipes')
      .set('Cookie', cookie)
      .send({ name: `Delayed ${Date.now()}`, description: 'x', ingredients: [{ foodName: 'egg', description: '1' }] })
      .expect(201);
    const path = `/api/recipes/${created.body.id}`;
    const before = (await stats(a)).loaderRuns;

    const [missMs, miss] = await timed(() => request(a.url).get(path).expect(200));
    const afterMiss = (await stats(a)).loaderRuns;
    const [hitMs, hit] = await timed(() => request(a.url).get(path).expect(200));
    const afterHit = (await stats(a)).loaderRuns;

    expect([miss.headers['x-cache'], hit.headers['x-cache']]).toEqual(['MISS', 'HIT']);
    expect(missMs).toBeGreaterThanOrEqual(LOADER_DELAY_MS);
    expect(hitMs).toBeLessThan(LOADER_DELAY_MS);
    expect(afterMiss.total - before.total).toBe(1);
    expect(afterMiss.bySource[`recipes:${created.body.id}`]).toBe(1);
    expect(afterHit.total).toBe(afterMiss.total);

    const [pageMissMs, pageMiss] = await timed(() => page(a, `/cookbook/recipes/${created.body.id}`).expect(200));
    const [pageHitMs, pageHit] = await timed(() => page(b, `/cookbook/recipes/${created.body.id}`).expect(200));
    expect([pageMiss.headers['x-cache'], pageHit.headers['x-cache']]).toEqual(['MISS', 'HIT']);
    expect(pageMissMs).toBeGreaterThanOrEqual(LOADER_DELAY_MS);
    expect(pageHitMs).toBeLessThan(LOADER_DELAY_MS);
    expect((await stats(a)).loaderRuns.bySource[`page:/cookbook/recipes/${created.body.id}`]).toBe(1);
  });

  it('without STASH_TEST_HOOKS, have no hooks (GET /__stash/stats is a 404); a SIGKILL is noticed', async () => {
    const plain = await cluster.add({ STASH_TEST_HOOKS: undefined, STASH_TEST_LOADER_DELAY_MS: undefined });
    await request(plain.url).get('/__stash/stats').expect(404);
    await page(plain, '/cookbook/').expect(200);
    await plain.assertClean();

    await plain.signal('SIGKILL');
    await expect(plain.assertClean()).rejects.toThrow(/exited \(code null, signal SIGKILL\) without stop\(\)/);
    await Promise.all([a.assertClean(), b.assertClean()]);
  });

  it('refuse to start with STASH_TEST_HOOKS=1 and NODE_ENV=production (CookbookConfigError naming it)', async () => {
    await expect(
      CookbookProcess.start({ label: 'production-hooks', env: cluster.env({ NODE_ENV: 'production' }) }),
    ).rejects.toThrow(/CookbookConfigError[\s\S]*STASH_TEST_HOOKS="1" is not accepted/);
  });
});
