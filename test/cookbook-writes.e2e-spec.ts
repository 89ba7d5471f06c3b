import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { recipesUsing, type FavoriteJson, type FoodJson, type RecipeJson } from './support/recipe-shapes.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';

type Agent = Awaited<ReturnType<CookbookTestApp['signIn']>>;

// Every test reads first (so the answers are cached), writes through the API, then reads again: the new data must
// show at once, because the write's committed signals invalidated the cache before the write answered.
describe.each(TEST_DATABASE_KINDS)('cookbook JSON API writes on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let alice: Agent;
  let bob: Agent;
  let serial = 0;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'writes');
    alice = await cookbook.signIn('alice');
    bob = await cookbook.signIn('bob');
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  const listRecipes = async (): Promise<RecipeJson[]> => (await cookbook.http().get('/api/recipes').expect(200)).body;
  const getRecipe = async (id: number): Promise<RecipeJson> =>
    (await cookbook.http().get(`/api/recipes/${id}`).expect(200)).body;
  const listFavorites = async (agent: Agent): Promise<FavoriteJson[]> =>
    (await agent.get('/api/favorites').expect(200)).body;
  /** A recipe of its own for one test, with two ingredients. */
  const createRecipe = async (
    ingredients = [
      { foodName: 'flour', description: '100 g' },
      { foodName: 'egg', description: '1' },
    ],
  ) => {
    const name = `Test dish ${kind} ${++serial}`;
    return (await alice.post('/api/recipes').send({ name, description: 'For a test.', ingredients }).expect(201))
      .body as RecipeJson;
  };

  describe('recipes', () => {
    it('POST /api/recipes creates a recipe (foods by id or new by name) that the list and its page show', async () => {
      await listRecipes();
      const [tomato] = (await cookbook.http().get('/api/foods').expect(200)).body as FoodJson[];
      const created = await createRecipe([
        { foodId: tomato!.id, description: '2' },
        { foodName: `smoked salt ${kind}`, description: 'a pinch' },
      ] as never);

      expect(created).toMatchObject({
        name: expect.stringMatching(/^Test dish/),
        description: 'For a test.',
        ingredients: [
          { description: '2', food: tomato },
          { description: 'a pinch', food: { id: expect.any(Number), name: `smoked salt ${kind}` } },
        ],
      });
      expect((await listRecipes()).find((recipe) => recipe.id === created.id)).toEqual(created);
      expect(await getRecipe(created.id)).toEqual(created);
      const foods: FoodJson[] = (await cookbook.http().get('/api/foods').expect(200)).body;
      expect(foods.map((food) => food.name)).toContain(`smoked salt ${kind}`);
    });

    it('POST /api/recipes answers 409 for a name another recipe has', async () => {
      const existing = await createRecipe();
      const response = await alice
        .post('/api/recipes')
        .send({ name: existing.name, description: 'Again.' })
        .expect(409);
      expect(response.body.message).toContain(existing.name);
    });

    it('PATCH /api/recipes/:id changes the name and description the list and its page show', async () => {
      const recipe = await createRecipe();
      await listRecipes();
      await getRecipe(recipe.id);

      const patched = await alice
        .patch(`/api/recipes/${recipe.id}`)
        .send({ name: `${recipe.name} (renamed)`, description: 'Better.' })
        .expect(200);

      expect(patched.body).toMatchObject({ id: recipe.id, name: `${recipe.name} (renamed)`, description: 'Better.' });
      expect(await getRecipe(recipe.id)).toEqual(patched.body);
      expect((await listRecipes()).find((one) => one.id === recipe.id)).toEqual(patched.body);
    });

    it('DELETE /api/recipes/:id removes the recipe, its ingredients and the favourites that point at it', async () => {
      const recipe = await createRecipe();
      await alice.post(`/api/recipes/${recipe.id}/favorite`).type('json').expect(201);
      await listRecipes();
      await getRecipe(recipe.id);
      expect((await listFavorites(alice)).map((favorite) => favorite.recipe.id)).toContain(recipe.id);

      await alice.delete(`/api/recipes/${recipe.id}`).type('json').expect(204);

      await cookbook.http().get(`/api/recipes/${recipe.id}`).expect(404);
      expect((await listRecipes()).map((one) => one.id)).not.toContain(recipe.id);
      expect((await listFavorites(alice)).map((favorite) => favorite.recipe.id)).not.toContain(recipe.id);
      const [{ count }] = await cookbook.sql<[{ count: number | string }]>(
        'SELECT COUNT(*) AS count FROM ingredients WHERE recipe_id = ?',
        [recipe.id],
      );
      expect(Number(count)).toBe(0);
      await alice.patch(`/api/ingredients/${recipe.ingredients[0]!.id}`).send({ description: 'x' }).expect(404);
    });

    it('concurrent writes each commit or roll back on their own, and every committed one shows', async () => {
      await listRecipes();
      const [{ count: before }] = await cookbook.sql<[{ count: number | string }]>(
        'SELECT COUNT(*) AS count FROM recipes',
      );
      const names = Array.from({ length: 8 }, (_, i) => `Concurrent ${kind} ${i}`);
      const doomed = Array.from({ length: 4 }, (_, i) => ({
        name: `Doomed ${kind} ${i}`,
        description: 'Rolls back.',
        ingredients: [
          { foodName: 'salt', description: '1' },
          { foodId: 2_000_000_000, description: '1' },
        ],
      }));

      const responses = await Promise.all([
        ...names.map((name) => alice.post('/api/recipes').send({ name, description: 'Same time.' })),
        ...doomed.map((body) => alice.post('/api/recipes').send(body)),
      ]);

      expect(responses.map((response) => response.status)).toEqual([...names.map(() => 201), ...doomed.map(() => 404)]);
      const [{ count: after }] = await cookbook.sql<[{ count: number | string }]>(
        'SELECT COUNT(*) AS count FROM recipes',
      );
      expect(Number(after)).toBe(Number(before) + names.length);
      const listed = (await listRecipes()).map((recipe) => recipe.name);
      expect(listed).toEqual(expect.arrayContaining(names));
      expect(listed.filter((name) => name.startsWith('Doomed'))).toEqual([]);
    });
  });

  describe('ingredients', () => {
    it('POST /api/recipes/:id/ingredients adds an ingredient the recipe shows', async () => {
      const recipe = await createRecipe();
      await listRecipes();
      await getRecipe(recipe.id);

      const added = await alice
        .post(`/api/recipes/${recipe.id}/ingredients`)
        .send({ foodName: 'butter', description: '50 g' })
        .expect(201);

      expect(added.body).toMatchObject({ recipeId: recipe.id, description: '50 g', food: { name: 'butter' } });
      expect((await getRecipe(recipe.id)).ingredients).toContainEqual(added.body);
      expect((await listRecipes()).find((one) => one.id === recipe.id)?.ingredients).toContainEqual(added.body);
    });

    it('PATCH /api/ingredients/:id changes the description and food the recipe shows', async () => {
      const recipe = await createRecipe();
      const [line] = recipe.ingredients;
      await getRecipe(recipe.id);

      const patched = await alice
        .patch(`/api/ingredients/${line!.id}`)
        .send({ description: '250 g', foodName: 'rye flour' })
        .expect(200);

      expect(patched.body).toMatchObject({ id: line!.id, description: '250 g', food: { name: 'rye flour' } });
      expect((await getRecipe(recipe.id)).ingredients[0]).toEqual(patched.body);
    });

    it('PATCH /api/ingredients/:id with recipeId moves it: both recipes show the move', async () => {
      const from = await createRecipe();
      const to = await createRecipe();
      const [moving] = from.ingredients;
      await listRecipes();
      await getRecipe(from.id);
      await getRecipe(to.id);

      await alice.patch(`/api/ingredients/${moving!.id}`).send({ recipeId: to.id }).expect(200);

      expect((await getRecipe(from.id)).ingredients.map((line) => line.id)).not.toContain(moving!.id);
      expect((await getRecipe(to.id)).ingredients).toContainEqual({ ...moving, recipeId: to.id });
      const listed = await listRecipes();
      expect(listed.find((one) => one.id === from.id)?.ingredients).toHaveLength(from.ingredients.length - 1);
      expect(listed.find((one) => one.id === to.id)?.ingredients).toHaveLength(to.ingredients.length + 1);
    });

    it('DELETE /api/ingredients/:id removes it from the recipe', async () => {
      const recipe = await createRecipe();
      const [gone, kept] = recipe.ingredients;
      await getRecipe(recipe.id);
      await listRecipes();

      await alice.delete(`/api/ingredients/${gone!.id}`).type('json').expect(204);

      expect((await getRecipe(recipe.id)).ingredients).toEqual([kept]);
      expect((await listRecipes()).find((one) => one.id === recipe.id)?.ingredients).toEqual([kept]);
    });
  });

  describe('foods', () => {
    it('PATCH /api/foods/:id renames a food: every recipe that lists it shows the new name', async () => {
      const recipes = await listRecipes();
      const food = recipes[0]!.ingredients[1]!.food; // onion, in many recipes
      const using = recipesUsing(recipes, food.id);
      expect(using.length).toBeGreaterThan(5);
      for (const recipe of using) await getRecipe(recipe.id);

      const renamed = `${food.name} (${kind})`;
      await alice.patch(`/api/foods/${food.id}`).send({ name: renamed }).expect(200, { id: food.id, name: renamed });

      const after = await listRecipes();
      expect(recipesUsing(after, food.id).map((recipe) => recipe.id)).toEqual(using.map((recipe) => recipe.id));
      for (const recipe of using) {
        const lines = (await getRecipe(recipe.id)).ingredients.filter((line) => line.food.id === food.id);
        expect(lines.map((line) => line.food.name)).toEqual(lines.map(() => renamed));
      }
      for (const recipe of recipesUsing(after, food.id)) {
        expect(
          recipe.ingredients.filter((line) => line.food.id === food.id).every((line) => line.food.name === renamed),
        ).toBe(true);
      }
    });

    it('PATCH /api/foods/:id answers 409 for the name of another food', async () => {
      const [first, second] = (await cookbook.http().get('/api/foods').expect(200)).body as FoodJson[];
      await alice.patch(`/api/foods/${first!.id}`).send({ name: second!.name }).expect(409);
    });
  });

  describe('favourites', () => {
    it("POST and DELETE /api/recipes/:id/favorite change only that user's favourites", async () => {
      const recipe = await createRecipe();
      const bobsBefore = await listFavorites(bob);
      await listFavorites(alice);

      const added = await alice.post(`/api/recipes/${recipe.id}/favorite`).type('json').expect(201);
      expect(added.body).toEqual({ recipeId: recipe.id, favorite: true });
      await alice.post(`/api/recipes/${recipe.id}/favorite`).type('json').expect(200);
      expect((await listFavorites(alice)).filter((favorite) => favorite.recipe.id === recipe.id)).toEqual([
        { recipe: { id: recipe.id, name: recipe.name }, createdAt: expect.any(String) },
      ]);
      expect(await listFavorites(bob)).toEqual(bobsBefore);

      await alice.delete(`/api/recipes/${recipe.id}/favorite`).type('json').expect(204);
      await alice.delete(`/api/recipes/${recipe.id}/favorite`).type('json').expect(204);
      expect((await listFavorites(alice)).map((favorite) => favorite.recipe.id)).not.toContain(recipe.id);
    });

    it("a favourite invalidates only its user's tag: other cached answers stay cached", async () => {
      const recipe = await createRecipe();
      const [other] = await listRecipes();
      const bobsBefore = await listFavorites(bob);
      // Behind the ORM's back (no signal): a favourite for bob, and a recipe rename. Cached answers hide both.
      const [bobRow] = await cookbook.sql<{ id: number }[]>('SELECT id FROM users WHERE username = ?', ['bob']);
      await cookbook.sql('INSERT INTO favorites (user_id, recipe_id) VALUES (?, ?)', [bobRow!.id, other!.id]);
      await cookbook.sql('UPDATE recipes SET name = ? WHERE id = ?', [`${other!.name}, quietly`, other!.id]);

      await alice.post(`/api/recipes/${recipe.id}/favorite`).type('json').expect(201);

      expect((await listFavorites(alice)).map((favorite) => favorite.recipe.id)).toContain(recipe.id);
      expect(await listFavorites(bob)).toEqual(bobsBefore);
      expect((await listRecipes())[0]!.name).toBe(other!.name);
    });
  });
});
