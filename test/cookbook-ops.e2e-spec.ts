import { randomBytes } from 'node:crypto';
import { CacheService } from '@stash/cache';
import type { Response } from 'supertest';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { waitFor } from './support/redis-server.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string>;

/** The value of the first sample of `name` whose labels include `labels`, or undefined when there is none. */
function sample(text: string, name: string, labels: Labels = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

function expectNeverCached(response: Response): void {
  expect(response.headers['cache-control']).toMatch(/no-store/);
  expect(response.headers['x-cache']).toBeUndefined();
}

describe.each(TEST_DATABASE_KINDS)('cookbook operations endpoints on %s', (kind) => {
  let cookbook: CookbookTestApp;

  const metrics = async (): Promise<string> => (await cookbook.http().get('/metrics').expect(200)).text;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'ops');
    // One port for every request: the page cache keys pages by absolute URL, Host and port included.
    await cookbook.app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  describe('GET /health', () => {
    it('answers 200 with the database, the session store and the caches up', async () => {
      const response = await cookbook.http().get('/health').expect(200);

      const up = { status: 'up', responseTime: expect.any(Number) };
      const healthy = { connected: true, answered: true, breaker: 'closed' };
      const info = {
        database: up,
        redis: up,
        // The rate-limit counters have a cache of their own, always on Redis.
        cache: { status: 'up', caches: { default: healthy, 'rate-limit': healthy } },
      };
      expect(response.body).toEqual({ status: 'ok', info, error: {}, details: info });
      expect(response.headers['content-type']).toMatch(/^application\/json/);
    });

    it('is never cached', async () => {
      expectNeverCached(await cookbook.http().get('/health').expect(200));
      expectNeverCached(await cookbook.http().get('/health').expect(200));
    });
  });

  describe('GET /metrics', () => {
    it('answers Prometheus text, never cached', async () => {
      const response = await cookbook.http().get('/metrics').expect(200);

      expect(response.headers['content-type']).toBe(PROMETHEUS_TEXT);
      expectNeverCached(response);
      expect(response.text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(response.text).toContain('# TYPE stash_cache_hits_total counter');
      expect(response.text).toContain('# TYPE stash_page_cache_responses_total counter');
      expect(response.text).toContain('# TYPE stash_session_store_errors_total counter');
      expect(sample(response.text, 'stash_cache_breaker_state', { cache: 'default', state: 'closed' })).toBe(1);
    });

    it('counts a page-cache MISS then HIT under the route pattern, and the cache hit', async () => {
      const page = `/cookbook/?probe=${randomBytes(4).toString('hex')}`;
      // The page ignores its query string (queryParams: []): a cold page takes an empty cache, not a new URL.
      await cookbook.app.get(CacheService).clear();
      const before = await metrics();

      const miss = await cookbook.http().get(page).expect(200);
      expect(miss.headers['x-cache']).toBe('MISS');
      // The page is stored after it is sent: poll until a request is served from the cache.
      await waitFor(
        async () => (await cookbook.http().get(page).expect(200)).headers['x-cache'] === 'HIT',
        5_000,
        'HIT',
      );
      const after = await metrics();

      const route = { route: '/cookbook' };
      const count = (text: string, outcome: string) =>
        sample(text, 'stash_page_cache_responses_total', { ...route, outcome }) ?? 0;
      expect(count(after, 'MISS') - count(before, 'MISS')).toBeGreaterThanOrEqual(1);
      expect(count(after, 'HIT') - count(before, 'HIT')).toBeGreaterThanOrEqual(1);
      const hits = (text: string) => sample(text, 'stash_cache_hits_total', { cache: 'default' }) ?? 0;
      expect(hits(after) - hits(before)).toBeGreaterThanOrEqual(1);
      expect(after).not.toContain('probe=');
    });

    it("counts the API's cached reads by their X-Cache verdict under the route pattern", async () => {
      const before = await metrics();
      const first = await cookbook.http().get('/api/recipes/4').expect(200);
      const second = await cookbook.http().get('/api/recipes/4').expect(200);
      const after = await metrics();

      const count = (text: string, outcome: string) =>
        sample(text, 'stash_page_cache_responses_total', { route: '/api/recipes/:id', outcome }) ?? 0;
      for (const outcome of ['HIT', 'MISS']) {
        const seen = [first, second].filter((response) => response.headers['x-cache'] === outcome).length;
        expect(count(after, outcome) - count(before, outcome)).toBe(seen);
      }
      expect(second.headers['x-cache']).toBe('HIT');
    });

    it('times requests by method, route pattern and status, never by raw URL', async () => {
      const before = await metrics();
      await cookbook.http().get('/api/recipes/1').expect(200);
      await cookbook.http().get('/api/recipes/2').expect(200);
      await cookbook
        .http()
        .get(`/no-such-page-${randomBytes(4).toString('hex')}`)
        .expect(404);
      const after = await metrics();

      const count = (text: string, labels: Labels) => sample(text, 'http_request_duration_seconds_count', labels) ?? 0;
      const recipe = { method: 'GET', route: '/api/recipes/:id', status: '200' };
      expect(count(after, recipe) - count(before, recipe)).toBe(2);
      const unmatched = { method: 'GET', route: '<unmatched>', status: '404' };
      expect(count(after, unmatched) - count(before, unmatched)).toBe(1);
      expect(sample(after, 'http_request_duration_seconds_bucket', { ...recipe, le: '+Inf' })).toBe(
        count(after, recipe),
      );
      expect(after).not.toMatch(/route="[^"]*(\/api\/recipes\/\d|no-such-page)/);
    });

    it("counts the cache's loader runs and hits of service-layer caching", async () => {
      const before = await metrics();
      await cookbook.http().get('/api/recipes').expect(200);
      await cookbook.http().get('/api/recipes').expect(200);
      const after = await metrics();

      const total = (text: string) =>
        (sample(text, 'stash_cache_hits_total', { cache: 'default' }) ?? 0) +
        (sample(text, 'stash_cache_loader_runs_total', { cache: 'default' }) ?? 0);
      // Two reads: each is a hit, or a miss that ran the loader.
      expect(total(after) - total(before)).toBeGreaterThanOrEqual(2);
      expect(sample(after, 'stash_cache_hits_total', { cache: 'default' })).toBeGreaterThanOrEqual(1);
    });
  });
});
