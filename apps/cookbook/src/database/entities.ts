import { Favorite } from '../favorites/favorite.entity.js';
import { Food } from '../foods/food.entity.js';
import { Ingredient } from '../ingredients/ingredient.entity.js';
import { Recipe } from '../recipes/recipe.entity.js';
import { User } from '../users/user.entity.js';
import { InitialSchema1767225600000 } from './migrations/1767225600000-initial-schema.js';

/** Every entity of the cookbook (listed, not globbed: globs break between the TS sources and the build). */
export const COOKBOOK_ENTITIES = [Food, Recipe, Ingredient, User, Favorite];

/** Every migration, oldest first. */
export const COOKBOOK_MIGRATIONS = [InitialSchema1767225600000];
