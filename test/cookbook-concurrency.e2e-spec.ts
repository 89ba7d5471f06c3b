import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import type { FoodJson, RecipeJson } from './support/recipe-shapes.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';

type Agent = Awaited<ReturnType<CookbookTestApp['signIn']>>;

const statusesOf = (responses: readonly Response[]) => responses.map((response) => response.status);

// On PostgreSQL each request runs its own transaction on its own connection, so requests that arrive together
// really interleave; on SQLite they run one at a time (TransactionRunner), and every answer must be the same.
describe.each(TEST_DATABASE_KINDS)('cookbook concurrent writes on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let alice: Agent;
  let bob: Agent;
  let serial = 0;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'races');
    [alice, bob] = [await cookbook.signIn('alice'), await cookbook.signIn('bob')];
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  const probe = () => randomBytes(3).toString('hex');
  const createRecipe = async (): Promise<RecipeJson> =>
    (
      await alice
        .post('/api/recipes')
        .send({
          name: `Race dish ${kind} ${++serial} ${probe()}`,
          description: 'x',
          ingredients: [
            { foodName: 'flour', description: '1' },
            { foodName: 'egg', description: '2' },
          ],
        })
        .expect(201)
    ).body;
  const foodsNamed = async (name: string): Promise<FoodJson[]> =>
    cookbook.sql<FoodJson[]>('SELECT id, name FROM foods WHERE LOWER(name) = LOWER(?)', [name]);

  it('requests creating the same new food at once all succeed, sharing one food', async () => {
    const recipe = await createRecipe();
    const food = `race food ${probe()}`;
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        alice.post(`/api/recipes/${recipe.id}/ingredients`).send({ foodName: food, description: `${i} g` }),
      ),
    );

    expect(statusesOf(responses)).toEqual(responses.map(() => 201));
    const [created, ...others] = await foodsNamed(food);
    expect(others).toEqual([]);
    expect(new Set(responses.map((response) => response.body.food.id))).toEqual(new Set([created!.id]));
  });

  it('recipes created at once that name the same new food all succeed (no 409 for a food race)', async () => {
    const food = `shared new food ${probe()}`;
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        alice.post('/api/recipes').send({
          name: `Race recipe ${kind} ${probe()} ${i}`,
          description: 'x',
          ingredients: [{ foodName: food, description: '1' }],
        }),
      ),
    );

    expect(statusesOf(responses)).toEqual(responses.map(() => 201));
    expect(await foodsNamed(food)).toHaveLength(1);
  });

  it('a recipe deleted while favourites and ingredients are added answers 204, and the others 201 or 404, never 500', async () => {
    for (let round = 0; round < 6; round++) {
      const recipe = await createRecipe();
      const [deleted, ...adds] = await Promise.all([
        alice.delete(`/api/recipes/${recipe.id}`).type('json'),
        bob.post(`/api/recipes/${recipe.id}/favorite`).type('json'),
        alice.post(`/api/recipes/${recipe.id}/favorite`).type('json'),
        alice.post(`/api/recipes/${recipe.id}/ingredients`).send({ foodName: 'salt', description: 'a pinch' }),
        bob.post(`/api/recipes/${recipe.id}/ingredients`).send({ foodName: 'pepper', description: 'a pinch' }),
        alice.patch(`/api/ingredients/${recipe.ingredients[0]!.id}`).send({ description: 'more' }),
        bob.delete(`/api/recipes/${recipe.id}/favorite`).type('json'),
      ]);

      expect({ round, status: deleted!.status }).toEqual({ round, status: 204 });
      const unexpected = adds.filter((response) => ![200, 201, 204, 404].includes(response.status));
      expect(unexpected.map((response) => ({ round, status: response.status, body: response.body }))).toEqual([]);
      await cookbook.http().get(`/api/recipes/${recipe.id}`).expect(404);
      const orphans = await cookbook.sql<{ count: number | string }[]>(
        'SELECT (SELECT COUNT(*) FROM ingredients WHERE recipe_id = ?) + (SELECT COUNT(*) FROM favorites WHERE recipe_id = ?) AS count',
        [recipe.id, recipe.id],
      );
      expect(Number(orphans[0]!.count)).toBe(0);
    }
  });

  it('ingredients moved both ways between two recipes at once all succeed (no deadlock)', async () => {
    const [a, b] = [await createRecipe(), await createRecipe()];
    const responses = await Promise.all([
      alice.patch(`/api/ingredients/${a.ingredients[0]!.id}`).send({ recipeId: b.id }),
      bob.patch(`/api/ingredients/${b.ingredients[0]!.id}`).send({ recipeId: a.id }),
      alice.patch(`/api/ingredients/${a.ingredients[1]!.id}`).send({ recipeId: b.id }),
      bob.patch(`/api/ingredients/${b.ingredients[1]!.id}`).send({ recipeId: a.id }),
    ]);
    expect(statusesOf(responses)).toEqual([200, 200, 200, 200]);
    const ids = (recipe: RecipeJson) => recipe.ingredients.map((line) => line.id).sort((x, y) => x - y);
    const after = async (id: number) =>
      (await cookbook.http().get(`/api/recipes/${id}`).expect(200)).body as RecipeJson;
    expect(ids(await after(a.id))).toEqual(ids(b));
    expect(ids(await after(b.id))).toEqual(ids(a));
  });
});
