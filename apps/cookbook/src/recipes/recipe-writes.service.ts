import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Not, type EntityManager } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { Favorite } from '../favorites/favorite.entity.js';
import { FoodResolver } from '../foods/food-resolver.js';
import { foodReferenceOf } from '../ingredients/dto/ingredient-input.dto.js';
import { Ingredient } from '../ingredients/ingredient.entity.js';
import type { CreateRecipeDto } from './dto/create-recipe.dto.js';
import type { UpdateRecipeDto } from './dto/update-recipe.dto.js';
import { lockRecipe } from './recipe-locks.js';
import { Recipe } from './recipe.entity.js';
import type { RecipeView } from './recipe.view.js';
import { loadRecipes } from './recipes.service.js';

/**
 * Recipe writes. Each runs in one transaction through the EntityManager: the entity signals of every row it
 * changes are dispatched after the commit, and the cache tags they map to are invalidated before this returns.
 */
@Injectable()
export class RecipeWritesService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly foods: FoodResolver,
  ) {}

  /**
   * Creates a recipe with its ingredients (foods named by `foodName` are created when new, whatever other requests
   * create at the same time: see FoodResolver).
   * @throws ConflictException when a recipe has that name; NotFoundException for an unknown `foodId`.
   */
  create(input: CreateRecipeDto): Promise<RecipeView> {
    return this.guardUnique(input.name, () =>
      this.db.transaction(async (manager) => {
        await assertNameFree(manager, input.name);
        const recipe = await manager.save(manager.create(Recipe, { name: input.name, description: input.description }));
        for (const line of input.ingredients ?? []) {
          const food = await this.foods.resolve(manager, foodReferenceOf(line)!);
          await manager.save(
            manager.create(Ingredient, { recipeId: recipe.id, foodId: food.id, description: line.description }),
          );
        }
        return reload(manager, recipe.id);
      }),
    );
  }

  /**
   * Changes a recipe's name or description. Locked (see recipe-locks.ts): a recipe deleted meanwhile is a 404, never
   * saved back into existence.
   * @throws NotFoundException for an unknown id; ConflictException when another recipe has the new name.
   */
  update(id: number, changes: UpdateRecipeDto): Promise<RecipeView> {
    return this.guardUnique(changes.name, () =>
      this.db.transaction(async (manager) => {
        const recipe = await requireRecipe(manager, id);
        if (changes.name !== undefined && changes.name !== recipe.name) {
          await assertNameFree(manager, changes.name, id);
          recipe.name = changes.name;
        }
        if (changes.description !== undefined) recipe.description = changes.description;
        await manager.save(recipe);
        return reload(manager, id);
      }),
    );
  }

  /**
   * Deletes a recipe with its ingredients and the favourites that point at it, each removed through the manager
   * so that each row's signal fires (a database cascade would delete them silently, leaving dashboards stale). The
   * recipe is locked first (see recipe-locks.ts), so no favourite or ingredient can be added to it meanwhile.
   * @throws NotFoundException for an unknown id.
   */
  async remove(id: number): Promise<void> {
    await this.db.transaction(async (manager) => {
      const recipe = await requireRecipe(manager, id);
      await manager.remove(await manager.findBy(Favorite, { recipeId: id }));
      await manager.remove(await manager.findBy(Ingredient, { recipeId: id }));
      await manager.remove(recipe);
    });
  }

  // The name check inside the transaction gives the usual answer; two requests racing for one name still meet
  // the unique constraint, which is reported the same way. (Foods are not: FoodResolver settles their races.)
  private async guardUnique<T>(name: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException(`A recipe named ${JSON.stringify(name)} was created meanwhile`);
      }
      throw error;
    }
  }
}

async function requireRecipe(manager: EntityManager, id: number): Promise<Recipe> {
  const recipe = await lockRecipe(manager, id);
  if (!recipe) throw new NotFoundException(`Recipe ${id} not found`);
  return recipe;
}

async function assertNameFree(manager: EntityManager, name: string, exceptId?: number): Promise<void> {
  const where = exceptId === undefined ? { name } : { name, id: Not(exceptId) };
  if (await manager.existsBy(Recipe, where))
    throw new ConflictException(`A recipe named ${JSON.stringify(name)} exists`);
}

async function reload(manager: EntityManager, id: number): Promise<RecipeView> {
  const [view] = await loadRecipes(manager, id);
  return view!;
}
