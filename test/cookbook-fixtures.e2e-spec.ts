import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { FixturesService, type FixtureCounts } from '../apps/cookbook/src/fixtures/fixtures.service.js';
import { FOOD_FIXTURES, RECIPE_FIXTURES } from '../apps/cookbook/src/fixtures/recipe-fixtures.js';
import { SeedModule } from '../apps/cookbook/src/seed.module.js';
import { bootCookbook } from './support/cookbook-app.js';
import { cookbookEnv, withEnv } from './support/cookbook-env.js';
import type { RecipeJson } from './support/recipe-shapes.js';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from './support/test-database.js';
import { uniquePrefix } from './support/test-redis.js';

const TABLES = ['users', 'foods', 'recipes', 'ingredients', 'favorites'] as const;
const FIXTURE_ROWS = {
  users: 2,
  foods: FOOD_FIXTURES.length,
  recipes: RECIPE_FIXTURES.length,
  ingredients: RECIPE_FIXTURES.reduce((sum, recipe) => sum + recipe.ingredients.length, 0),
};

/** Runs what `npm run seed` runs (SeedModule, FixturesService.load) against `db`. */
async function seed(db: TestDatabase, prefix: string): Promise<FixtureCounts> {
  const moduleRef = await withEnv(cookbookEnv(db, prefix), () =>
    Test.createTestingModule({ imports: [SeedModule] }).compile(),
  );
  const app: INestApplication = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  try {
    return await app.get(FixturesService).load();
  } finally {
    await app.close();
  }
}

async function countRows(db: TestDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const dataSource = new DataSource({ ...db.typeorm });
  await dataSource.initialize();
  try {
    for (const table of TABLES) {
      const qualified = db.typeorm.type === 'postgres' ? `"${db.typeorm.schema}"."${table}"` : table;
      const [row] = (await dataSource.query(`SELECT COUNT(*) AS count FROM ${qualified}`)) as { count: string }[];
      counts[table] = Number(row!.count);
    }
  } finally {
    await dataSource.destroy();
  }
  return counts;
}

describe.each(TEST_DATABASE_KINDS)('cookbook fixtures on %s', (kind) => {
  let db: TestDatabase;
  const prefix = uniquePrefix('fixtures');

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'fixtures');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('has 50+ recipes of 5+ ingredients, with unique names, over a shared set of foods', () => {
    expect(RECIPE_FIXTURES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(RECIPE_FIXTURES.map((recipe) => recipe.name)).size).toBe(RECIPE_FIXTURES.length);
    for (const recipe of RECIPE_FIXTURES) expect(recipe.ingredients.length).toBeGreaterThanOrEqual(5);
    expect(FOOD_FIXTURES.length).toBeLessThan(FIXTURE_ROWS.ingredients / 3);
  });

  it('the seed migrates a fresh database and loads every fixture; a second run changes nothing', async () => {
    expect(await seed(db, prefix)).toEqual({ ...FIXTURE_ROWS });
    const counts = await countRows(db);
    expect(counts).toEqual({ ...FIXTURE_ROWS, favorites: 0 });

    expect(await seed(db, prefix)).toEqual({ users: 0, foods: 0, recipes: 0, ingredients: 0 });
    expect(await countRows(db)).toEqual(counts);
  });

  it('the app does not reload the fixtures into a database that has data; the seed restores deleted ones only', async () => {
    const restartDb = await createTestDatabase(kind, 'restart');
    const restartPrefix = uniquePrefix('restart');
    try {
      const first = await bootCookbook(restartDb, restartPrefix);
      const alice = await first.signIn('alice');
      await alice.patch('/api/recipes/1').send({ description: 'My own way.' }).expect(200);
      await alice.delete('/api/recipes/2').type('json').expect(204);
      await first.app.close();

      // The same database again: already migrated, and not empty.
      const again = await bootCookbook(restartDb, restartPrefix);
      try {
        await again.http().get('/api/recipes/2').expect(404);
        const before = (await again.http().get('/api/recipes').expect(200)).body as RecipeJson[];
        expect(before).toHaveLength(RECIPE_FIXTURES.length - 1);

        expect(await seed(restartDb, restartPrefix)).toEqual({ users: 0, foods: 0, recipes: 1, ingredients: 6 });

        // The seed's writes invalidated the running app's cached list.
        const after = (await again.http().get('/api/recipes').expect(200)).body as RecipeJson[];
        expect(after).toHaveLength(RECIPE_FIXTURES.length);
        expect(after.find((recipe) => recipe.id === 1)?.description).toBe('My own way.');
      } finally {
        await again.close();
      }
    } finally {
      await restartDb.drop();
    }
  });
});
