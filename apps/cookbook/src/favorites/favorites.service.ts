import { Injectable, NotFoundException } from '@nestjs/common';
import { CacheService } from '@stash/cache';
import type { EntityManager } from 'typeorm';
import { favoritesKey } from '../cache/cache-keys.js';
import { dashboardTag, RECIPES_TAG } from '../cache/cache-tags.js';
import { InjectLoaderHook, readThrough, type CachedRead, type LoaderHook } from '../cache/cached-read.js';
import type { CookbookConfig } from '../config/cookbook-config.interface.js';
import { InjectCookbookConfig } from '../config/cookbook.config.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { lockRecipe } from '../recipes/recipe-locks.js';
import { Favorite } from './favorite.entity.js';
import type { FavoriteView } from './favorite.view.js';

/**
 * A user's favourite recipes. A favourite write invalidates only that user's `dashboard:user:<id>` tag; the
 * list also carries `recipes`, since it shows recipe names.
 */
@Injectable()
export class FavoritesService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly cache: CacheService,
    @InjectCookbookConfig() private readonly config: CookbookConfig,
    @InjectLoaderHook() private readonly loaderHook: LoaderHook,
  ) {}

  /** The user's favourites, most recent first (cached per user). */
  list(userId: number): Promise<CachedRead<FavoriteView[]>> {
    return readThrough(
      this.cache,
      favoritesKey(userId),
      () => this.db.read((manager) => loadFavorites(manager, userId)),
      { ttl: this.config.cacheTtl, tags: [dashboardTag(userId), RECIPES_TAG] },
      this.loaderHook,
    );
  }

  /**
   * Marks a recipe; marking it again changes nothing.
   * @returns whether a favourite was created.
   * @throws NotFoundException for an unknown recipe.
   */
  async add(userId: number, recipeId: number): Promise<boolean> {
    try {
      return await this.db.transaction(async (manager) => {
        await requireRecipe(manager, recipeId);
        if (await manager.existsBy(Favorite, { userId, recipeId })) return false;
        await manager.save(manager.create(Favorite, { userId, recipeId }));
        return true;
      });
    } catch (error) {
      // The same user marking the same recipe twice at once: the other request created it.
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Unmarks a recipe; unmarking one that is not marked changes nothing.
   * @throws NotFoundException for an unknown recipe.
   */
  async remove(userId: number, recipeId: number): Promise<void> {
    await this.db.transaction(async (manager) => {
      await requireRecipe(manager, recipeId);
      await manager.remove(await manager.findBy(Favorite, { userId, recipeId }));
    });
  }
}

// Locked (see recipe-locks.ts): a favourite added while its recipe is deleted is a 404, not a foreign key error.
async function requireRecipe(manager: EntityManager, recipeId: number): Promise<void> {
  if (!(await lockRecipe(manager, recipeId))) throw new NotFoundException(`Recipe ${recipeId} not found`);
}

async function loadFavorites(manager: EntityManager, userId: number): Promise<FavoriteView[]> {
  const favorites = await manager.find(Favorite, {
    where: { userId },
    relations: { recipe: true },
    order: { createdAt: 'DESC', id: 'DESC' },
  });
  return favorites.map(({ recipe, createdAt }) => ({
    recipe: { id: recipe!.id, name: recipe!.name },
    createdAt: createdAt.toISOString(),
  }));
}
