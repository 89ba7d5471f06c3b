import { ingredientView, type IngredientView } from '../ingredients/ingredient.view.js';
import type { Recipe } from './recipe.entity.js';

/**
 * A recipe as the API shows it. Dates are ISO strings here, not Date objects, so that a response served from
 * the cache (where values are JSON) is byte-for-byte the one computed from the database.
 */
export interface RecipeView {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly ingredients: readonly IngredientView[];
}

/** @param recipe loaded with its ingredients and their foods. */
export function recipeView(recipe: Recipe): RecipeView {
  const { id, name, description, createdAt, updatedAt, ingredients } = recipe;
  return {
    id,
    name,
    description,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    ingredients: [...(ingredients ?? [])].sort((a, b) => a.id - b.id).map(ingredientView),
  };
}
