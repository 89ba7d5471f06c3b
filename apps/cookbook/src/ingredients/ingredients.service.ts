import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner.js';
import { FoodResolver } from '../foods/food-resolver.js';
import { lockRecipe, lockRecipes } from '../recipes/recipe-locks.js';
import { foodReferenceOf } from './dto/ingredient-input.dto.js';
import type { IngredientInputDto } from './dto/ingredient-input.dto.js';
import type { UpdateIngredientDto } from './dto/update-ingredient.dto.js';
import { Ingredient } from './ingredient.entity.js';
import { ingredientView, type IngredientView } from './ingredient.view.js';

/**
 * Ingredient writes. Each is one transaction through the EntityManager, so its committed signals invalidate the
 * recipes it touches (both of them, for a move) before the call returns. Each locks the recipes it touches first
 * (see recipe-locks.ts), so it never races a delete of one of them.
 */
@Injectable()
export class IngredientsService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly foods: FoodResolver,
  ) {}

  /** @throws NotFoundException for an unknown recipe or food id. */
  add(recipeId: number, input: IngredientInputDto): Promise<IngredientView> {
    return this.db.transaction(async (manager) => {
      if (!(await lockRecipe(manager, recipeId))) throw new NotFoundException(`Recipe ${recipeId} not found`);
      const food = await this.foods.resolve(manager, foodReferenceOf(input)!);
      const ingredient = await manager.save(
        manager.create(Ingredient, { recipeId, foodId: food.id, description: input.description }),
      );
      return ingredientView({ ...ingredient, food });
    });
  }

  /**
   * @throws NotFoundException for an unknown ingredient, or an unknown recipe or food it should refer to;
   * ConflictException when another request moved it meanwhile.
   */
  update(id: number, changes: UpdateIngredientDto): Promise<IngredientView> {
    return this.db.transaction(async (manager) => {
      const ingredient = await lockIngredient(manager, id, changes.recipeId);
      if (changes.recipeId !== undefined) ingredient.recipeId = changes.recipeId;
      const reference = foodReferenceOf(changes);
      const food = reference ? await this.foods.resolve(manager, reference) : ingredient.food!;
      ingredient.foodId = food.id;
      if (changes.description !== undefined) ingredient.description = changes.description;
      // The loaded relations would win over the changed foreign-key columns on save.
      const { food: _food, recipe: _recipe, ...columns } = ingredient;
      const saved = await manager.save(manager.create(Ingredient, columns));
      return ingredientView({ ...saved, food });
    });
  }

  /** @throws NotFoundException for an unknown ingredient; ConflictException when another request moved it meanwhile. */
  async remove(id: number): Promise<void> {
    await this.db.transaction(async (manager) => {
      await manager.remove(await lockIngredient(manager, id));
    });
  }
}

/**
 * The ingredient, with its recipe (and the one it moves to) locked. Read again under the lock: a delete of the
 * ingredient or of its recipe may have committed while the lock was awaited, and `save` would otherwise insert the
 * deleted row again.
 */
async function lockIngredient(manager: EntityManager, id: number, movingTo?: number): Promise<Ingredient> {
  const { recipeId } = await requireIngredient(manager, id);
  const locked = await lockRecipes(manager, movingTo === undefined ? [recipeId] : [recipeId, movingTo]);
  if (movingTo !== undefined && !locked.some((recipe) => recipe.id === movingTo)) {
    throw new NotFoundException(`Recipe ${movingTo} not found`);
  }
  const ingredient = await requireIngredient(manager, id);
  if (ingredient.recipeId !== recipeId) {
    throw new ConflictException(`Ingredient ${id} was moved to another recipe meanwhile: try again`);
  }
  return ingredient;
}

async function requireIngredient(manager: EntityManager, id: number): Promise<Ingredient> {
  const ingredient = await manager.findOne(Ingredient, { where: { id }, relations: { food: true } });
  if (!ingredient) throw new NotFoundException(`Ingredient ${id} not found`);
  return ingredient;
}
