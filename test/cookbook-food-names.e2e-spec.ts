import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { InitialSchema1767225600000 } from '../apps/cookbook/src/database/migrations/1767225600000-initial-schema.js';
import { listen, type ListeningCookbook } from './browser/listening-cookbook.js';
import { bootCookbook, startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { csrfTokenIn } from './support/cookbook-pages.js';
import type { FoodJson, RecipeJson } from './support/recipe-shapes.js';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from './support/test-database.js';
import { uniquePrefix } from './support/test-redis.js';

type Agent = Awaited<ReturnType<ListeningCookbook['signIn']>>;

// Food names are compared case-insensitively and with their whitespace collapsed, so "Flour" typed in the form is
// the fixtures' "flour", not a near-duplicate that a rename of "flour" would leave behind.
describe.each(TEST_DATABASE_KINDS)('cookbook food names on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;
  let alice: Agent;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'food-names');
    site = await listen(cookbook);
    alice = await site.signIn('alice');
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  const probe = () => randomBytes(3).toString('hex');
  const foods = async (): Promise<FoodJson[]> => (await site.http().get('/api/foods').expect(200)).body;
  const foodNamed = async (name: string): Promise<FoodJson> => {
    const food = (await foods()).find((one) => one.name === name);
    if (!food) throw new Error(`No food named ${name}`);
    return food;
  };
  const recipe = async (id: number): Promise<RecipeJson> =>
    (await site.http().get(`/api/recipes/${id}`).expect(200)).body;
  const addIngredient = (recipeId: number, foodName: string) =>
    alice.post(`/api/recipes/${recipeId}/ingredients`).send({ foodName, description: '1' });

  it('the add-recipe form reuses "flour" for "Flour", and renaming flour renames it in that recipe too', async () => {
    const flour = await foodNamed('flour');
    const token = csrfTokenIn((await alice.get('/cookbook/recipes/new').expect(200)).text);
    const name = `Form flour cake ${kind} ${probe()}`;
    const created = await alice
      .post('/cookbook/recipes')
      .type('form')
      .send({ _csrf: token, name, description: 'x', ingredients: 'Flour: 200 g\nFLOUR : 1 tbsp' })
      .expect(303);
    const id = Number(String(created.headers.location).split('/').pop());

    expect((await recipe(id)).ingredients.map((line) => line.food)).toEqual([flour, flour]);
    expect((await foods()).filter((food) => food.name.toLowerCase() === 'flour')).toEqual([flour]);

    await alice
      .patch(`/api/foods/${flour.id}`)
      .send({ name: `Wholemeal flour ${kind}` })
      .expect(200);
    const page = await site.http().get(`/cookbook/recipes/${id}`).expect(200);
    expect(page.text).toContain(`Wholemeal flour ${kind}: 200 g`);
    expect(page.text).not.toMatch(/>Flour: 200 g/);
  });

  it.each([
    ['another case', 'OLIVE OIL'],
    ['surrounding and repeated whitespace', '  olive \t  oil  '],
    ['both', 'Olive   Oil'],
  ])('an ingredient naming a known food in %s gets that food', async (_case, typed) => {
    const oil = await foodNamed('olive oil');
    const added = await addIngredient(1, typed).expect(201);
    expect(added.body.food).toEqual(oil);
    expect((await foods()).filter((food) => food.name.toLowerCase().replace(/\s+/g, ' ') === 'olive oil')).toEqual([
      oil,
    ]);
  });

  it('stores a new food with its whitespace collapsed, and finds it again in another case', async () => {
    const typed = `  Smoked   paprika ${probe()} `;
    const stored = typed.trim().replace(/\s+/g, ' ');
    const first = await addIngredient(1, typed).expect(201);
    expect(first.body.food.name).toBe(stored);
    const again = await addIngredient(2, stored.toUpperCase()).expect(201);
    expect(again.body.food).toEqual(first.body.food);
  });

  it('refuses to rename a food to a case variant of another food (409), and accepts its own case variant', async () => {
    const [butter, egg] = [await foodNamed('butter'), await foodNamed('egg')];
    const conflict = await alice.patch(`/api/foods/${egg.id}`).send({ name: 'BUTTER' }).expect(409);
    expect(conflict.body.message).toContain('BUTTER');
    await alice.patch(`/api/foods/${egg.id}`).send({ name: ' butter  ' }).expect(409);

    await alice
      .patch(`/api/foods/${butter.id}`)
      .send({ name: 'Butter' })
      .expect(200, { id: butter.id, name: 'Butter' });
    await alice.patch(`/api/foods/${egg.id}`).send({ name: 'Hen  egg' }).expect(200, { id: egg.id, name: 'Hen egg' });
  });
});

describe.each(TEST_DATABASE_KINDS)(
  'cookbook food names in a database from before they were case-insensitive, on %s',
  (kind) => {
    let db: TestDatabase;

    beforeAll(async () => {
      db = await createTestDatabase(kind, 'food-merge');
    });

    afterAll(async () => {
      await db?.drop();
    });

    /** The schema as the first migration left it, with foods that differ only in case, as the old form made them. */
    async function legacyDatabase(): Promise<void> {
      const dataSource = new DataSource({ ...db.typeorm, migrations: [InitialSchema1767225600000] });
      await dataSource.initialize();
      try {
        await dataSource.runMigrations();
        const table = (name: string) => (db.typeorm.type === 'postgres' ? `"${db.typeorm.schema}"."${name}"` : name);
        await dataSource.query(
          `INSERT INTO ${table('foods')} (id, name) VALUES (1, 'flour'), (2, 'Flour'), (3, 'FLOUR'), (4, 'milk')`,
        );
        await dataSource.query(
          `INSERT INTO ${table('recipes')} (id, name, description) VALUES (1, 'Crepes', 'x'), (2, 'Bread', 'y')`,
        );
        await dataSource.query(
          `INSERT INTO ${table('ingredients')} (recipe_id, food_id, description) VALUES ` +
            "(1, 1, '100 g'), (1, 4, '200 ml'), (2, 2, '500 g'), (2, 3, '1 tbsp')",
        );
      } finally {
        await dataSource.destroy();
      }
    }

    it('merges foods that differ only in case into the oldest one at startup, keeping every ingredient', async () => {
      await legacyDatabase();
      const cookbook = await bootCookbook(db, uniquePrefix('food-merge'));
      try {
        const foods: FoodJson[] = (await cookbook.http().get('/api/foods').expect(200)).body;
        expect(foods).toEqual([
          { id: 1, name: 'flour' },
          { id: 4, name: 'milk' },
        ]);
        const bread: RecipeJson = (await cookbook.http().get('/api/recipes/2').expect(200)).body;
        expect(bread.ingredients.map((line) => [line.food.name, line.description])).toEqual([
          ['flour', '500 g'],
          ['flour', '1 tbsp'],
        ]);
        const crepes: RecipeJson = (await cookbook.http().get('/api/recipes/1').expect(200)).body;
        expect(crepes.ingredients.map((line) => line.food.id)).toEqual([1, 4]);
      } finally {
        await cookbook.close();
      }
    });
  },
);
