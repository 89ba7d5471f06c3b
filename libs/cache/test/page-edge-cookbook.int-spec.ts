import { PageCache } from '@stash/cache';
import type { Response } from 'supertest';
import { listen, type ListeningCookbook } from '../../../test/browser/listening-cookbook.js';
import { startCookbook, type CookbookTestApp } from '../../../test/support/cookbook-app.js';
import { escaped } from '../../../test/support/cookbook-pages.js';

const EDGE_TIMING = /, edge$/;

/** The response was answered by the page cache's edge, before the router. */
function expectEdge(response: Response): void {
  expect(response.headers['x-cache']).toBe('HIT');
  expect(response.headers['server-timing']).toMatch(EDGE_TIMING);
}

/** The response went through the router (whatever the page cache did). */
function expectRouter(response: Response): void {
  expect(response.headers['server-timing'] ?? '').not.toMatch(EDGE_TIMING);
}

// The cookbook with CACHE_NEAR=1: `/cookbook/` is edge-served, its global RateLimitGuard and SessionModule's
// enhancers acknowledged (apps/cookbook/src/pages/pages.module.ts); the recipe pages (a guard counts views) and
// the dashboard (per user) are not.
describe('the cookbook with CACHE_NEAR=1 (the page edge)', () => {
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;

  beforeAll(async () => {
    cookbook = await startCookbook('sqlite', 'edge-cookbook', { CACHE_NEAR: '1' });
    site = await listen(cookbook);
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  /** Asks until the edge answers (the first request fills the page cache and the edge; a fill lands after it). */
  async function edgeServed(path: string): Promise<Response> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const response = await site.http().get(path).expect(200);
      if (EDGE_TIMING.test(String(response.headers['server-timing']))) return response;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${path} was never answered by the edge`);
  }

  it('answers anonymous hits of /cookbook/ before the router, HEAD included', async () => {
    const hit = await edgeServed('/cookbook/');
    expect(hit.text).toContain('<html');
    expectEdge(await site.http().head('/cookbook/').expect(200));
    expect(cookbook.app.get(PageCache).edgeStats()!.hits).toBeGreaterThanOrEqual(2);
  });

  it('sends signed-in visitors, and the guarded recipe pages, through the router', async () => {
    await edgeServed('/cookbook/');
    const alice = await site.signIn('alice');
    expectRouter(await alice.get('/cookbook/').expect(200));
    await site.http().get('/cookbook/recipes/1').expect(200);
    const recipe = await site.http().get('/cookbook/recipes/1').expect(200);
    expect(recipe.headers['x-cache']).toBe('HIT');
    expectRouter(recipe);
  });

  it('stops serving /cookbook/ once a recipe write invalidated it', async () => {
    await edgeServed('/cookbook/');
    const alice = await site.signIn('alice');
    const name = 'Edge-fresh pancakes';
    await alice
      .post('/api/recipes')
      .send({ name, description: 'x', ingredients: [{ foodName: 'flour', description: '100 g' }] })
      .expect(201);
    const after = await site.http().get('/cookbook/').expect(200);
    expectRouter(after);
    expect(after.headers['x-cache']).toBe('MISS');
    expect(after.text).toContain(escaped(name));
    expect((await edgeServed('/cookbook/')).text).toContain(escaped(name));
  });
});
