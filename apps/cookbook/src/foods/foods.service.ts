import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { CacheService } from '@stash/cache';
import { RECIPES_TAG } from '../cache/cache-tags.js';
import { foodListKey } from '../cache/cache-keys.js';
import { InjectLoaderHook, readThrough, type CachedRead, type LoaderHook } from '../cache/cached-read.js';
import type { CookbookConfig } from '../config/cookbook-config.interface.js';
import { InjectCookbookConfig } from '../config/cookbook.config.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { Food } from './food.entity.js';
import { findFoodNamed } from './food-name.js';
import { foodView, type FoodView } from './food.view.js';

@Injectable()
export class FoodsService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly cache: CacheService,
    @InjectCookbookConfig() private readonly config: CookbookConfig,
    @InjectLoaderHook() private readonly loaderHook: LoaderHook,
  ) {}

  /** Every food by name; cached under the `recipes` tag, which every food write invalidates. */
  list(): Promise<CachedRead<FoodView[]>> {
    return readThrough(
      this.cache,
      foodListKey(),
      () => this.db.read(async (manager) => (await manager.find(Food, { order: { name: 'ASC' } })).map(foodView)),
      { ttl: this.config.cacheTtl, tags: [RECIPES_TAG] },
      this.loaderHook,
    );
  }

  /**
   * Renames a food. Every recipe that lists it shows the new name once this returns: the save's committed signal
   * invalidates the `recipes` tag. Names are compared ignoring case, so a food may take another spelling of its
   * own name ("flour" to "Flour"), never one of another food's.
   * @throws NotFoundException for an unknown id; ConflictException when another food has that name, in any case.
   */
  async rename(id: number, name: string): Promise<FoodView> {
    try {
      return await this.db.transaction(async (manager) => {
        const food = await manager.findOneBy(Food, { id });
        if (!food) throw new NotFoundException(`Food ${id} not found`);
        if (food.name === name) return foodView(food);
        const namesake = await findFoodNamed(manager, name);
        if (namesake && namesake.id !== id) throw nameTaken(name, namesake.name);
        food.name = name;
        return foodView(await manager.save(food));
      });
    } catch (error) {
      // Another request took the name between the check and the save.
      if (isUniqueViolation(error)) throw nameTaken(name);
      throw error;
    }
  }
}

function nameTaken(name: string, existing?: string): ConflictException {
  const as = existing === undefined || existing === name ? '' : ` (as ${JSON.stringify(existing)})`;
  return new ConflictException(`A food named ${JSON.stringify(name)} exists${as}: food names ignore case`);
}
