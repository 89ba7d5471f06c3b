import { CreateStashInvalidationOutbox1795435200000, StashInvalidationOutbox } from '@stash/signals/typeorm';
import { Favorite } from '../favorites/favorite.entity.js';
import { Food } from '../foods/food.entity.js';
import { Ingredient } from '../ingredients/ingredient.entity.js';
import { Recipe } from '../recipes/recipe.entity.js';
import { User } from '../users/user.entity.js';
import { InitialSchema1767225600000 } from './migrations/1767225600000-initial-schema.js';
import { CaseInsensitiveFoodNames1795392000000 } from './migrations/1795392000000-case-insensitive-food-names.js';

/** Every entity of the cookbook (listed, not globbed: globs break between the TS sources and the build). */
export const COOKBOOK_ENTITIES = [Food, Recipe, Ingredient, User, Favorite, StashInvalidationOutbox];

/** Every migration, oldest first. */
export const COOKBOOK_MIGRATIONS = [
  InitialSchema1767225600000,
  CaseInsensitiveFoodNames1795392000000,
  CreateStashInvalidationOutbox1795435200000,
];
