import { Injectable, NotFoundException } from '@nestjs/common';
import { CacheService } from '@stash/cache';
import type { EntityManager } from 'typeorm';
import { recipeKey, recipeListKey } from '../cache/cache-keys.js';
import { RECIPES_TAG, recipeTag } from '../cache/cache-tags.js';
import { InjectLoaderHook, readThrough, type CachedRead, type LoaderHook } from '../cache/cached-read.js';
import type { CookbookConfig } from '../config/cookbook-config.interface.js';
import { InjectCookbookConfig } from '../config/cookbook.config.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { Recipe } from './recipe.entity.js';
import { recipeView, type RecipeView } from './recipe.view.js';

/**
 * Recipe reads, cached with `getOrSet` for CACHE_TTL seconds and tagged with what they show: every committed
 * write to a recipe, ingredient or food invalidates `recipes`, and one recipe's writes `recipe:<id>` too.
 */
@Injectable()
export class RecipesService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly cache: CacheService,
    @InjectCookbookConfig() private readonly config: CookbookConfig,
    @InjectLoaderHook() private readonly loaderHook: LoaderHook,
  ) {}

  /** Every recipe with its ingredients and their foods, by id. */
  list(): Promise<CachedRead<RecipeView[]>> {
    return readThrough(
      this.cache,
      recipeListKey(),
      () => this.db.read((manager) => loadRecipes(manager)),
      { ttl: this.config.cacheTtl, tags: [RECIPES_TAG] },
      this.loaderHook,
    );
  }

  /**
   * One recipe with its ingredients and their foods.
   * @throws NotFoundException for an unknown id (not cached: the loader's error is never stored).
   */
  get(id: number): Promise<CachedRead<RecipeView>> {
    return readThrough(
      this.cache,
      recipeKey(id),
      async () => {
        const [recipe] = await this.db.read((manager) => loadRecipes(manager, id));
        if (!recipe) throw new NotFoundException(`Recipe ${id} not found`);
        return recipe;
      },
      { ttl: this.config.cacheTtl, tags: [RECIPES_TAG, recipeTag(id)] },
      this.loaderHook,
    );
  }
}

/** Recipes (all, or the one with `id`) as views; also used by writes to answer with the saved recipe. */
export async function loadRecipes(manager: EntityManager, id?: number): Promise<RecipeView[]> {
  const recipes = await manager.find(Recipe, {
    where: id === undefined ? {} : { id },
    relations: { ingredients: { food: true } },
    order: { id: 'ASC', ingredients: { id: 'ASC' } },
  });
  return recipes.map(recipeView);
}
