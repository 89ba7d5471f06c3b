import { Redis } from 'ioredis';
import type { Response } from 'supertest';
import { listen, type ListeningCookbook } from './browser/listening-cookbook.js';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { escaped, expectCache } from './support/cookbook-pages.js';
import { MALFORMED_IDS, UNKNOWN_ID, type FoodJson, type RecipeJson } from './support/recipe-shapes.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';
import { testRedisUrl } from './support/test-redis.js';

type Agent = Awaited<ReturnType<ListeningCookbook['signIn']>>;

/** What browsers are told about a cached page: revalidate before each use (the page cache answers 304). */
function expectRevalidate(response: Response): void {
  expect(response.headers['cache-control']).toMatch(/max-age=0/);
  expect(response.headers['cache-control']).toMatch(/must-revalidate/);
}

describe.each(TEST_DATABASE_KINDS)('cookbook HTML pages on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;
  let alice: Agent;
  let redis: Redis;
  let serial = 0;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'pages');
    site = await listen(cookbook);
    alice = await site.signIn('alice');
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    await redis?.del(`${cookbook.prefix}-views`);
    await redis?.quit();
    await cookbook?.close();
  });

  const page = (path: string) => site.http().get(path);
  const recipes = async (): Promise<RecipeJson[]> => (await site.http().get('/api/recipes').expect(200)).body;
  /** A recipe of its own for one test. */
  const createRecipe = async (name = `Page dish ${kind} ${++serial}`): Promise<RecipeJson> =>
    (
      await alice
        .post('/api/recipes')
        .send({ name, description: 'For a page test.', ingredients: [{ foodName: 'flour', description: '100 g' }] })
        .expect(201)
    ).body;
  const viewCount = async (id: number): Promise<number | null> => {
    const score = await redis.zscore(`${cookbook.prefix}-views`, String(id));
    return score === null ? null : Number(score);
  };

  describe('GET /cookbook/', () => {
    it('lists every recipe with its ingredients and foods, as HTML, MISS then HIT', async () => {
      const all = await recipes();
      await site.http().get('/cookbook/'); // whatever state earlier tests left: now cached
      await alice
        .post('/api/recipes')
        .send({ name: `Fresh ${kind}`, description: 'x' })
        .expect(201);

      const first = await page('/cookbook/').expect(200);
      expectCache(first, 'MISS');
      expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
      expectRevalidate(first);
      for (const recipe of all) expect(first.text).toContain(`href="/cookbook/recipes/${recipe.id}"`);
      const [soup] = all;
      expect(first.text).toContain(escaped(soup!.name));
      for (const line of soup!.ingredients) {
        expect(first.text).toContain(`${escaped(line.food.name)}: ${escaped(line.description)}`);
      }

      const second = await page('/cookbook/').expect(200);
      expectCache(second, 'HIT');
      expect(second.text).toBe(first.text);
    });

    it('answers a revalidation with 304 from the cache', async () => {
      const { headers } = await page('/cookbook/').expect(200);
      const revalidated = await page('/cookbook/').set('If-None-Match', String(headers.etag)).expect(304);
      expectCache(revalidated, 'HIT');
    });

    it('shows a recipe patched through the API at once', async () => {
      const recipe = await createRecipe();
      await page('/cookbook/').expect(200);
      expectCache(await page('/cookbook/').expect(200), 'HIT');

      const renamed = `${recipe.name} (renamed)`;
      await alice.patch(`/api/recipes/${recipe.id}`).send({ name: renamed }).expect(200);
      const after = await page('/cookbook/').expect(200);
      expectCache(after, 'MISS');
      expect(after.text).toContain(escaped(renamed));
    });

    it('shows a food renamed through the API in every recipe that lists it', async () => {
      const [food] = (await site.http().get('/api/foods').expect(200)).body as FoodJson[];
      await page('/cookbook/').expect(200);
      expectCache(await page('/cookbook/').expect(200), 'HIT');

      const renamed = `${food!.name} ${kind} renamed`;
      await alice.patch(`/api/foods/${food!.id}`).send({ name: renamed }).expect(200);
      const after = await page('/cookbook/').expect(200);
      expectCache(after, 'MISS');
      const using = (await recipes()).filter((recipe) => recipe.ingredients.some((line) => line.food.id === food!.id));
      expect(using.length).toBeGreaterThan(0);
      expect(after.text.split(`${escaped(renamed)}:`).length - 1).toBeGreaterThanOrEqual(using.length);
    });

    it('escapes what users typed', async () => {
      const recipe = await createRecipe(`<script>alert("${kind}")</script>`);
      const html = (await page('/cookbook/').expect(200)).text;
      expect(html).not.toContain(recipe.name);
      expect(html).toContain(escaped(recipe.name));
    });
  });

  describe('GET /cookbook/recipes/:id', () => {
    it('shows one recipe, MISS then HIT, with the most viewed sidebar', async () => {
      const recipe = await createRecipe();
      const first = await page(`/cookbook/recipes/${recipe.id}`).expect(200);
      expectCache(first, 'MISS');
      expectRevalidate(first);
      expect(first.text).toContain(`<h1>${escaped(recipe.name)}</h1>`);
      expect(first.text).toContain('flour: 100 g');
      expect(first.text).toContain('id="popular"');
      expectCache(await page(`/cookbook/recipes/${recipe.id}`).expect(200), 'HIT');
    });

    it('answers an unknown id with the 404 page, never cached', async () => {
      const id = UNKNOWN_ID + 7;
      for (let i = 0; i < 2; i++) {
        const missing = await page(`/cookbook/recipes/${id}`).expect(404);
        expect(missing.headers['content-type']).toMatch(/^text\/html/);
        expect(missing.text).toContain('Not found');
        expect(missing.headers['x-cache']).toBe('MISS');
      }
      expect(await viewCount(id)).toBeNull();
    });

    it.each(MALFORMED_IDS)('answers the malformed id %j with the 404 page, not a 500', async (id) => {
      const response = await page(`/cookbook/recipes/${id}`).expect(404);
      expect(response.text).toContain('Not found');
    });

    it('counts every view in Redis, also those the page cache answers', async () => {
      const recipe = await createRecipe();
      expectCache(await page(`/cookbook/recipes/${recipe.id}`).expect(200), 'MISS');
      expectCache(await page(`/cookbook/recipes/${recipe.id}`).expect(200), 'HIT');
      expectCache(await page(`/cookbook/recipes/${recipe.id}`).expect(200), 'HIT');
      expect(await viewCount(recipe.id)).toBe(3);
    });

    it('shows a renamed recipe in the sidebar of other recipe pages at once (the fragment is tagged)', async () => {
      const popular = await createRecipe();
      const other = await createRecipe();
      await redis.zadd(`${cookbook.prefix}-views`, 60, popular.id);
      await alice.patch(`/api/recipes/${other.id}`).send({ description: 'refresh' }).expect(200);
      expect((await page(`/cookbook/recipes/${other.id}`).expect(200)).text).toContain(escaped(popular.name));

      const renamed = `${popular.name} (sidebar)`;
      await alice.patch(`/api/recipes/${popular.id}`).send({ name: renamed }).expect(200);
      const after = await page(`/cookbook/recipes/${other.id}`).expect(200);
      expectCache(after, 'MISS');
      expect(after.text).toContain(`>${escaped(renamed)}</a>`);
    });
  });

  describe('GET /api/popular', () => {
    it('lists the most viewed recipes, most viewed first, with their names and counts', async () => {
      const [a, b, c] = [await createRecipe(), await createRecipe(), await createRecipe()];
      // Far above what other tests give a recipe (at most 60 views), so these three lead the list.
      const views = new Map([
        [a.id, 120],
        [b.id, 100],
        [c.id, 80],
      ]);
      await redis.zadd(`${cookbook.prefix}-views`, 119, a.id, 99, b.id, 79, c.id);
      for (const recipe of [c, a, b]) await page(`/cookbook/recipes/${recipe.id}`).expect(200);

      const popular = (await site.http().get('/api/popular').expect(200)).body as {
        id: number;
        name: string;
        views: number;
      }[];
      expect(popular.slice(0, 3)).toEqual(
        [a, b, c].map((recipe) => ({ id: recipe.id, name: recipe.name, views: views.get(recipe.id) })),
      );
      expect(popular.length).toBeLessThanOrEqual(10);
    });

    it('drops recipes deleted since they were viewed', async () => {
      const doomed = await createRecipe();
      await redis.zadd(`${cookbook.prefix}-views`, 1_000, doomed.id);
      expect(((await site.http().get('/api/popular').expect(200)).body as { id: number }[])[0]!.id).toBe(doomed.id);

      await alice.delete(`/api/recipes/${doomed.id}`).type('json').expect(204);
      const popular = (await site.http().get('/api/popular').expect(200)).body as { id: number }[];
      expect(popular.map((entry) => entry.id)).not.toContain(doomed.id);
      expect(await viewCount(doomed.id)).toBeNull();
    });
  });
});
