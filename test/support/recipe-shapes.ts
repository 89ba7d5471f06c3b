/** What the cookbook's JSON API answers, as the tests read it. */
export interface FoodJson {
  id: number;
  name: string;
}

export interface IngredientJson {
  id: number;
  recipeId: number;
  description: string;
  food: FoodJson;
}

export interface RecipeJson {
  id: number;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  ingredients: IngredientJson[];
}

export interface FavoriteJson {
  recipe: { id: number; name: string };
  createdAt: string;
}

/** The recipes among `recipes` that list the food `foodId`. */
export function recipesUsing(recipes: readonly RecipeJson[], foodId: number): RecipeJson[] {
  return recipes.filter((recipe) => recipe.ingredients.some((line) => line.food.id === foodId));
}

/** Malformed ids, each of which must be refused with 400 (never coerced, never a 500). */
export const MALFORMED_IDS = ['abc', '-1', '0', '1.5', '1e9999', '0x10', '01', '2147483648', '99999999999999999999'];

/** Well-formed ids that name no row. */
export const UNKNOWN_ID = 2_000_000_000;
