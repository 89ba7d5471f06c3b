/**
 * The cache tags the cookbook's data feeds (see cache-invalidation.ts for which writes invalidate which). Every
 * tag string is built here.
 */

/** Anything that shows recipes, their ingredients or foods. */
export const RECIPES_TAG = 'recipes';

/** One recipe and its ingredients. */
export function recipeTag(recipeId: number): string {
  return `recipe:${recipeId}`;
}

/** What is shown to one user only: their dashboard and favourites. */
export function dashboardTag(userId: number): string {
  return `dashboard:user:${userId}`;
}
