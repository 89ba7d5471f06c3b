import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { foodReferenceOf } from './dto/ingredient-input.dto.js';
import type { IngredientInputDto } from './dto/ingredient-input.dto.js';
import type { UpdateIngredientDto } from './dto/update-ingredient.dto.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { FoodResolver } from '../foods/food-resolver.js';
import { Recipe } from '../recipes/recipe.entity.js';
import { Ingredient } from './ingredient.entity.js';
import { ingredientView, type IngredientView } from './ingredient.view.js';

/**
 * Ingredient writes. Each is one transaction through the EntityManager, so its committed signals invalidate the
 * recipes it touches (both of them, for a move) before the call returns.
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
      await requireRecipe(manager, recipeId);
      const food = await this.foods.resolve(manager, foodReferenceOf(input)!);
      const ingredient = await manager.save(
        manager.create(Ingredient, { recipeId, foodId: food.id, description: input.description }),
      );
      return ingredientView({ ...ingredient, food });
    });
  }

  /** @throws NotFoundException for an unknown ingredient, or an unknown recipe or food it should refer to. */
  update(id: number, changes: UpdateIngredientDto): Promise<IngredientView> {
    return this.db.transaction(async (manager) => {
      const ingredient = await requireIngredient(manager, id);
      if (changes.recipeId !== undefined) {
        await requireRecipe(manager, changes.recipeId);
        ingredient.recipeId = changes.recipeId;
      }
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

  /** @throws NotFoundException for an unknown ingredient. */
  async remove(id: number): Promise<void> {
    await this.db.transaction(async (manager) => {
      await manager.remove(await requireIngredient(manager, id));
    });
  }
}

async function requireRecipe(manager: EntityManager, id: number): Promise<void> {
  if (!(await manager.existsBy(Recipe, { id }))) throw new NotFoundException(`Recipe ${id} not found`);
}

async function requireIngredient(manager: EntityManager, id: number): Promise<Ingredient> {
  const ingredient = await manager.findOne(Ingredient, { where: { id }, relations: { food: true } });
  if (!ingredient) throw new NotFoundException(`Ingredient ${id} not found`);
  return ingredient;
}
