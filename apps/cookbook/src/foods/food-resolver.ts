import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation.js';
import { Food } from './food.entity.js';
import { findFoodNamed, normalizeFoodName } from './food-name.js';

/** How a request names a food: an existing one by id, or one by name (created when new). */
export type FoodReference = { readonly foodId: number } | { readonly foodName: string };

/** Turns food references into foods inside a write's transaction. */
@Injectable()
export class FoodResolver {
  /**
   * The food a reference names. A name matches a food whatever its case and spacing ("Flour" is "flour"); a name
   * that matches no food creates it (saved through the manager, so its signal fires).
   * @throws NotFoundException for an id that matches no food.
   */
  async resolve(manager: EntityManager, reference: FoodReference): Promise<Food> {
    if ('foodId' in reference) {
      const food = await manager.findOneBy(Food, { id: reference.foodId });
      if (!food) throw new NotFoundException(`Food ${reference.foodId} not found`);
      return food;
    }
    const name = normalizeFoodName(reference.foodName);
    return (await findFoodNamed(manager, name)) ?? this.create(manager, name);
  }

  // Two requests can both find no food and both insert it (on PostgreSQL; SQLite runs one transaction at a time):
  // the second insert waits for the first to commit and then meets the unique index. It runs in a savepoint,
  // because on PostgreSQL a failed statement aborts the whole transaction; rolled back to it, the request reads the
  // food the other one created and goes on (the savepoint's signal is dropped with it).
  private async create(manager: EntityManager, name: string): Promise<Food> {
    try {
      return await manager.transaction((savepoint) => savepoint.save(savepoint.create(Food, { name })));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const food = await findFoodNamed(manager, name);
      if (!food) throw error;
      return food;
    }
  }
}
