/** The cache keys of the JSON API's cached reads; every key string is built here. */

export function recipeListKey(): string {
  return 'recipes:all';
}

export function recipeKey(recipeId: number): string {
  return `recipes:${recipeId}`;
}

export function foodListKey(): string {
  return 'foods:all';
}

export function favoritesKey(userId: number): string {
  return `favorites:user:${userId}`;
}
