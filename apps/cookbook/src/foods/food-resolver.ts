import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Food } from './food.entity.js';

/** How a request names a food: an existing one by id, or one by name (created when new). */
export type FoodReference = { readonly foodId: number } | { readonly foodName: string };

/** Turns food references into foods inside a write's transaction. */
@Injectable()
export class FoodResolver {
  /**
   * The food a reference names; a name that matches no food creates it (saved through the manager, so its
   * signal fires).
   * @throws NotFoundException for an id that matches no food.
   */
  async resolve(manager: EntityManager, reference: FoodReference): Promise<Food> {
    if ('foodId' in reference) {
      const food = await manager.findOneBy(Food, { id: reference.foodId });
      if (!food) throw new NotFoundException(`Food ${reference.foodId} not found`);
      return food;
    }
    const existing = await manager.findOneBy(Food, { name: reference.foodName });
    return existing ?? manager.save(manager.create(Food, { name: reference.foodName }));
  }
}
