import type { EntityInvalidation } from '@stash/signals';
import { Favorite } from '../favorites/favorite.entity.js';
import { Food } from '../foods/food.entity.js';
import { Ingredient } from '../ingredients/ingredient.entity.js';
import { Recipe } from '../recipes/recipe.entity.js';
import { dashboardTag, RECIPES_TAG, recipeTag } from './cache-tags.js';

/**
 * Which cache tags each entity's committed saves and deletes invalidate (the previous row's tags too, so an
 * ingredient moved to another recipe refreshes both recipes).
 */
export const COOKBOOK_INVALIDATIONS = [
  { entity: Recipe, tags: (recipe) => [RECIPES_TAG, recipeTag(recipe.id)] } satisfies EntityInvalidation<Recipe>,
  {
    entity: Ingredient,
    tags: (ingredient) => [RECIPES_TAG, recipeTag(ingredient.recipeId)],
  } satisfies EntityInvalidation<Ingredient>,
  // A rename changes every recipe that lists the food, and there is no cheap way to name them all.
  { entity: Food, tags: () => [RECIPES_TAG] } satisfies EntityInvalidation<Food>,
  // Only that user's dashboard and favourites; nobody else's page shows them.
  { entity: Favorite, tags: (favorite) => [dashboardTag(favorite.userId)] } satisfies EntityInvalidation<Favorite>,
];
