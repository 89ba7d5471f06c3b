import type { TransformFnParams } from 'class-transformer';
import type { EntityManager } from 'typeorm';
import { Food } from './food.entity.js';

/**
 * A food name as stored: surrounding whitespace dropped, inner runs of whitespace (tabs, newlines) made one
 * space. Anything that is not a string is left for validation to refuse.
 */
export function normalizeFoodName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/** class-transformer `@Transform` for food name fields (see `normalizeFoodName`). */
export function normalizedFoodName({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? normalizeFoodName(value) : value;
}

/**
 * The food called `name`, ignoring case as the database folds it: `LOWER()` on both sides, the expression the
 * unique index `UQ_foods_name_lower` is built on, so the look-up and the constraint always agree (SQLite's
 * `LOWER` folds ASCII letters only).
 */
export function findFoodNamed(manager: EntityManager, name: string): Promise<Food | null> {
  return manager.createQueryBuilder(Food, 'food').where('LOWER(food.name) = LOWER(:name)', { name }).getOne();
}
