import { listen, type ListeningCookbook } from './browser/listening-cookbook.js';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { escaped, expectCache } from './support/cookbook-pages.js';
import type { RecipeJson } from './support/recipe-shapes.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';

type Agent = Awaited<ReturnType<ListeningCookbook['signIn']>>;

// Every test caches a page first (MISS, then a HIT proves it is stored), writes through the API, then reads the
// page again: it must be re-rendered (MISS) and show the write, because the write's committed signals
// invalidated the page's tags before the write answered.
describe.each(TEST_DATABASE_KINDS)('cookbook pages after writes on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;
  let alice: Agent;
  let serial = 0;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'pages-fresh');
    site = await listen(cookbook);
    alice = await site.signIn('alice');
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  const createRecipe = async (): Promise<RecipeJson> =>
    (
      await alice
        .post('/api/recipes')
        .send({
          name: `Fresh dish ${kind} ${++serial}`,
          description: 'x',
          ingredients: [
            { foodName: 'flour', description: '100 g' },
            { foodName: 'egg', description: '2' },
          ],
        })
        .expect(201)
    ).body;
  /** Caches a page and checks that the next request is served from the cache. */
  const cached = async (client: Agent | ReturnType<ListeningCookbook['http']>, path: string): Promise<void> => {
    await client.get(path).expect(200);
    expectCache(await client.get(path).expect(200), 'HIT');
  };
  const recipePage = (id: number) => `/cookbook/recipes/${id}`;
  const refreshed = async (client: Agent | ReturnType<ListeningCookbook['http']>, path: string): Promise<string> => {
    const response = await client.get(path).expect(200);
    expectCache(response, 'MISS');
    return response.text;
  };

  describe('a recipe page', () => {
    it('shows an ingredient added through the API', async () => {
      const recipe = await createRecipe();
      await cached(site.http(), recipePage(recipe.id));

      await alice
        .post(`/api/recipes/${recipe.id}/ingredients`)
        .send({ foodName: 'butter', description: '30 g' })
        .expect(201);
      expect(await refreshed(site.http(), recipePage(recipe.id))).toContain('butter: 30 g');
    });

    it('shows an ingredient moved to another recipe on both pages', async () => {
      const [from, to] = [await createRecipe(), await createRecipe()];
      await cached(site.http(), recipePage(from.id));
      await cached(site.http(), recipePage(to.id));

      const moving = from.ingredients[0]!;
      await alice.patch(`/api/ingredients/${moving.id}`).send({ recipeId: to.id, description: '101 g' }).expect(200);
      expect(await refreshed(site.http(), recipePage(from.id))).not.toContain('flour: ');
      expect(await refreshed(site.http(), recipePage(to.id))).toContain('flour: 101 g');
    });

    it('drops an ingredient deleted through the API', async () => {
      const recipe = await createRecipe();
      await cached(site.http(), recipePage(recipe.id));

      await alice.delete(`/api/ingredients/${recipe.ingredients[1]!.id}`).type('json').expect(204);
      const html = await refreshed(site.http(), recipePage(recipe.id));
      expect(html).toContain('flour: 100 g');
      expect(html).not.toContain('egg: 2');
    });

    it('shows a food renamed through the API', async () => {
      const recipe = await createRecipe();
      const egg = recipe.ingredients[1]!.food;
      await cached(site.http(), recipePage(recipe.id));

      const renamed = `free-range egg ${kind}`;
      await alice.patch(`/api/foods/${egg.id}`).send({ name: renamed }).expect(200);
      expect(await refreshed(site.http(), recipePage(recipe.id))).toContain(`${escaped(renamed)}: 2`);
    });

    it('goes from a cache hit to the 404 page when the recipe is deleted', async () => {
      const recipe = await createRecipe();
      await cached(site.http(), recipePage(recipe.id));

      await alice.delete(`/api/recipes/${recipe.id}`).type('json').expect(204);
      for (let i = 0; i < 2; i++) {
        const gone = await site.http().get(recipePage(recipe.id)).expect(404);
        expect(gone.text).toContain('Not found');
      }
    });
  });

  describe('the dashboard', () => {
    it('shows a favourite recipe renamed, then drops it when it is deleted', async () => {
      const recipe = await createRecipe();
      await alice.post(`/api/recipes/${recipe.id}/favorite`).type('json').expect(201);
      await cached(alice, '/dashboard');

      const renamed = `${recipe.name} (renamed)`;
      await alice.patch(`/api/recipes/${recipe.id}`).send({ name: renamed }).expect(200);
      expect(await refreshed(alice, '/dashboard')).toContain(`>${escaped(renamed)}</a>`);
      await cached(alice, '/dashboard');

      await alice.delete(`/api/recipes/${recipe.id}`).type('json').expect(204);
      const after = await refreshed(alice, '/dashboard');
      expect(after).not.toContain(`>${escaped(renamed)}</a>`);
      expect(after).not.toContain(`href="/cookbook/recipes/${recipe.id}"`);
    });

    it('shows a recently viewed recipe renamed', async () => {
      const recipe = await createRecipe();
      await alice.get(recipePage(recipe.id)).expect(200);
      await cached(alice, '/dashboard');

      const renamed = `${recipe.name} (seen, renamed)`;
      await alice.patch(`/api/recipes/${recipe.id}`).send({ name: renamed }).expect(200);
      expect((await refreshed(alice, '/dashboard')).split('id="recent"')[1]).toContain(escaped(renamed));
    });
  });
});
