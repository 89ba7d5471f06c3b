import { Recipe } from '../../apps/cookbook/src/recipes/recipe.entity.js';
import type { FuzzCookbook } from './fuzz-cookbook.js';
import { VersionLedger } from './fuzz-history.js';
import { versionText } from './fuzz-versions.js';

/** Recipes a run writes to; each seed picks a few of them. */
export const POOL_SIZE = 5;

/** A run's recipes (ids) and the ledger of their versions, every one at version 0. */
export interface RecipePool {
  readonly pool: number[];
  readonly ledger: VersionLedger;
}

/** Replaces the fixtures' recipes with `POOL_SIZE` recipes named `<name> <k>`, registered at version 0. */
export async function createRecipePool(app: FuzzCookbook, name: string): Promise<RecipePool> {
  // The fixtures' recipes go: every list and index page shows every recipe, and only the pool's are checked.
  const fixtures = await app.runner.read((manager) => manager.find(Recipe, { select: { id: true } }));
  for (const { id } of fixtures) await app.writes.remove(id);
  const ledger = new VersionLedger();
  const pool: number[] = [];
  for (let k = 0; k < POOL_SIZE; k++) {
    const recipe = await app.writes.create({ name: `${name} ${k}`, description: versionText(0) });
    ledger.register(recipe.id, 0, performance.now());
    pool.push(recipe.id);
  }
  return { pool, ledger };
}
