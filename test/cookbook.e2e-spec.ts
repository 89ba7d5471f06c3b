import { CacheService } from '@stash/cache';
import { Redis } from 'ioredis';
import type { Response } from 'supertest';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { MALFORMED_IDS, UNKNOWN_ID, type FoodJson, type RecipeJson } from './support/recipe-shapes.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';
import { testRedisUrl } from './support/test-redis.js';

/**
 * A cached API read says whether it came from the cache (HIT) or ran its query (MISS), and how long the cache
 * took, as the page cache does: `X-Cache` and `Server-Timing: cache;desc="<status>";dur=<ms>`.
 */
function expectCacheStatus(response: Response, status: 'HIT' | 'MISS'): void {
  expect(response.headers['x-cache']).toBe(status);
  expect(response.headers['server-timing']).toMatch(new RegExp(`^cache;desc="${status}";dur=\\d+(\\.\\d+)?$`));
}

describe.each(TEST_DATABASE_KINDS)('cookbook JSON API reads on %s', (kind) => {
  let cookbook: CookbookTestApp;

  let redis: Redis;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'reads');
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    await redis?.quit();
    await cookbook?.close();
  });

  const getRecipes = async (): Promise<RecipeJson[]> => (await cookbook.http().get('/api/recipes').expect(200)).body;
  const getRecipe = async (id: number): Promise<RecipeJson> =>
    (await cookbook.http().get(`/api/recipes/${id}`).expect(200)).body;

  describe('GET /api/recipes', () => {
    it('lists the fixtures the app loaded on first start: 50+ recipes of 5+ ingredients over shared foods', async () => {
      const recipes = await getRecipes();

      expect(recipes.length).toBeGreaterThanOrEqual(50);
      expect(recipes.map((recipe) => recipe.id)).toEqual([...recipes.map((recipe) => recipe.id)].sort((a, b) => a - b));
      for (const recipe of recipes) {
        expect(recipe.ingredients.length).toBeGreaterThanOrEqual(5);
        for (const line of recipe.ingredients) {
          expect(line).toEqual({
            id: expect.any(Number),
            recipeId: recipe.id,
            description: expect.any(String),
            food: { id: expect.any(Number), name: expect.any(String) },
          });
        }
      }
      const lines = recipes.flatMap((recipe) => recipe.ingredients);
      const foods = new Set(lines.map((line) => line.food.id));
      expect(foods.size).toBeLessThan(lines.length / 3);
      expect(recipes[0]).toMatchObject({
        name: 'Tomato soup',
        ingredients: expect.arrayContaining([
          expect.objectContaining({ description: '800 g', food: expect.objectContaining({ name: 'tomato' }) }),
        ]),
      });
    });

    it('answers the same body from the cache as from the database', async () => {
      await cookbook.app.get(CacheService).invalidateTags(['recipes']);
      const fromDatabase = await cookbook.http().get('/api/recipes').expect(200);
      expectCacheStatus(fromDatabase, 'MISS');
      expect(await redis.exists(`${cookbook.prefix}:1:recipes:all`)).toBe(1);
      const fromCache = await cookbook.http().get('/api/recipes').expect(200);
      expectCacheStatus(fromCache, 'HIT');
      expect(fromCache.text).toBe(fromDatabase.text);
    });
  });

  describe('GET /api/recipes/:id', () => {
    it('answers one recipe as the list shows it', async () => {
      const [, second] = await getRecipes();
      expect(await getRecipe(second!.id)).toEqual(second);
    });

    it('answers 404 for an unknown id and does not cache the answer', async () => {
      const id = UNKNOWN_ID + 1;
      const missing = await cookbook.http().get(`/api/recipes/${id}`).expect(404);
      expect(missing.body.message).toBe(`Recipe ${id} not found`);

      // Created behind the ORM's back (no signal, no invalidation): visible at once, so the 404 was not cached.
      await cookbook.sql('INSERT INTO recipes (id, name, description) VALUES (?, ?, ?)', [id, 'Ghost toast', 'Boo.']);
      expect(await getRecipe(id)).toMatchObject({ id, name: 'Ghost toast', ingredients: [] });
    });

    it.each(MALFORMED_IDS)('answers 400 for the malformed id %j', async (id) => {
      const response = await cookbook.http().get(`/api/recipes/${id}`).expect(400);
      expect(response.body.message).toBe(`id must be a positive integer id, not ${JSON.stringify(id)}`);
    });
  });

  describe('GET /api/foods', () => {
    it('lists every food once, by name', async () => {
      const foods: FoodJson[] = (await cookbook.http().get('/api/foods').expect(200)).body;
      const names = foods.map((food) => food.name);
      expect(names).toContain('tomato');
      expect(new Set(names).size).toBe(names.length);
      expect(names).toEqual([...names].sort());
    });
  });

  describe('X-Cache and Server-Timing', () => {
    it.each([
      ['/api/recipes', false],
      ['/api/recipes/3', false],
      ['/api/foods', false],
      ['/api/favorites', true],
    ])('GET %s answers MISS when it ran the query, then HIT from the cache', async (path, signedIn) => {
      const client = signedIn ? await cookbook.signIn('alice') : cookbook.http();
      await cookbook.app.get(CacheService).invalidateTags(['recipes']);

      const miss = await client.get(path).expect(200);
      expectCacheStatus(miss, 'MISS');
      const hit = await client.get(path).expect(200);
      expectCacheStatus(hit, 'HIT');
      expect(hit.text).toBe(miss.text);
    });

    it('does not answer a 404 with X-Cache HIT: the error was never stored', async () => {
      for (let i = 0; i < 2; i++) {
        const missing = await cookbook
          .http()
          .get(`/api/recipes/${UNKNOWN_ID + 3}`)
          .expect(404);
        expect(missing.headers['x-cache']).not.toBe('HIT');
      }
    });
  });

  describe('caching', () => {
    it('serves recipes from the cache until their tags are invalidated', async () => {
      const [recipe] = await getRecipes();
      const id = recipe!.id;
      await getRecipe(id);
      // Behind the ORM's back: no signal, so the cached answers stay.
      await cookbook.sql('UPDATE recipes SET name = ? WHERE id = ?', ['Quietly renamed', id]);
      expect((await getRecipe(id)).name).toBe(recipe!.name);
      expect((await getRecipes())[0]!.name).toBe(recipe!.name);

      const cache = cookbook.app.get(CacheService);
      await cache.invalidateTags([`recipe:${id}`]);
      expect((await getRecipe(id)).name).toBe('Quietly renamed');
      expect((await getRecipes())[0]!.name).toBe(recipe!.name);

      await cache.invalidateTags(['recipes']);
      expect((await getRecipes())[0]!.name).toBe('Quietly renamed');
    });
  });
});

describe.each([
  ['redis', true],
  ['memory', true],
  ['dummy', false],
] as const)('cookbook with CACHE_STORE=%s', (store, caches) => {
  let cookbook: CookbookTestApp;

  beforeAll(async () => {
    cookbook = await startCookbook('sqlite', `store-${store}`, { CACHE_STORE: store });
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  it(caches ? 'answers reads from the cache' : 'never caches: every read sees the database', async () => {
    const first = await cookbook.http().get('/api/recipes/1').expect(200);
    expectCacheStatus(first, 'MISS');
    await cookbook.sql('UPDATE recipes SET description = ? WHERE id = ?', ['Changed behind the ORM', 1]);
    const second = await cookbook.http().get('/api/recipes/1').expect(200);
    expectCacheStatus(second, caches ? 'HIT' : 'MISS');
    expect((second.body as RecipeJson).description).toBe(
      caches ? (first.body as RecipeJson).description : 'Changed behind the ORM',
    );
  });

  it('shows a write through the API at once', async () => {
    await cookbook.http().get('/api/recipes').expect(200);
    const alice = await cookbook.signIn('alice');
    await alice
      .patch('/api/recipes/2')
      .send({ name: `Renamed with ${store}` })
      .expect(200);
    const recipes: RecipeJson[] = (await cookbook.http().get('/api/recipes').expect(200)).body;
    expect(recipes.find((recipe) => recipe.id === 2)?.name).toBe(`Renamed with ${store}`);
  });
});
