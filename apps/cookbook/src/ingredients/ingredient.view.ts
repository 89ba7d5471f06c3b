import type { FoodView } from '../foods/food.view.js';
import type { Ingredient } from './ingredient.entity.js';

/** An ingredient as the API shows it. */
export interface IngredientView {
  readonly id: number;
  readonly recipeId: number;
  readonly description: string;
  readonly food: FoodView;
}

/** @param ingredient loaded with its `food`. */
export function ingredientView(ingredient: Ingredient): IngredientView {
  const { id, recipeId, description, food } = ingredient;
  if (!food) throw new Error(`ingredientView: ingredient ${id} was loaded without its food`);
  return { id, recipeId, description, food: { id: food.id, name: food.name } };
}
