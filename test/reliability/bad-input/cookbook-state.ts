import type { CookbookTestApp } from '../../support/cookbook-app.js';

const COUNTED_TABLES = ['recipes', 'ingredients', 'foods', 'favorites', 'users'] as const;

/**
 * What the bad writes aim at, straight from the database (behind the ORM and the cache): the rows of recipes 1 and
 * 2, food 1, ingredient 1, and how many rows each table has.
 */
export async function databaseState(cookbook: CookbookTestApp): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {
    recipes: await cookbook.sql('SELECT * FROM recipes WHERE id IN (1, 2) ORDER BY id'),
    food: await cookbook.sql('SELECT * FROM foods WHERE id = 1'),
    ingredient: await cookbook.sql('SELECT * FROM ingredients WHERE id = 1'),
  };
  for (const table of COUNTED_TABLES) {
    const [row] = await cookbook.sql<{ count: number | string }[]>(`SELECT COUNT(*) AS count FROM ${table}`);
    state[`${table} rows`] = Number(row!.count);
  }
  return state;
}
