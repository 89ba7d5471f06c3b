import { In, type EntityManager, type FindOneOptions } from 'typeorm';
import { Recipe } from './recipe.entity.js';

/**
 * Reads recipes and, on PostgreSQL, locks their rows until the transaction ends (`SELECT … FOR UPDATE`). Every write
 * that deletes a recipe, changes it, or adds or moves a row that points at it takes this lock first, so such writes
 * run one after the other for a recipe: a favourite or ingredient added while the recipe is deleted waits, then
 * finds no recipe (404), instead of meeting the foreign key (23503, a 500) or being deleted unseen by the delete's
 * signals. SQLite runs one transaction at a time anyway (TransactionRunner), and TypeORM has no row locks there.
 *
 * Locks are taken in id order, so two writes that lock the same recipes never wait for each other in a cycle.
 */
export async function lockRecipes(manager: EntityManager, ids: readonly number[]): Promise<Recipe[]> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  return manager.find(Recipe, { where: { id: In(sorted) }, order: { id: 'ASC' }, ...rowLock(manager) });
}

/** The recipe `id`, locked as `lockRecipes` locks it; null when there is none (any more). */
export async function lockRecipe(manager: EntityManager, id: number): Promise<Recipe | null> {
  const [recipe] = await lockRecipes(manager, [id]);
  return recipe ?? null;
}

function rowLock(manager: EntityManager): Pick<FindOneOptions<Recipe>, 'lock'> {
  return manager.connection.options.type === 'postgres' ? { lock: { mode: 'pessimistic_write' } } : {};
}
