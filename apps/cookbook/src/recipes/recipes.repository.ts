import { Injectable } from '@nestjs/common';
import type { Recipe } from './recipe.js';

const RECIPES: readonly Recipe[] = [
  { id: 1, name: 'Pancakes', ingredients: ['flour', 'milk', 'egg', 'butter', 'sugar'] },
  { id: 2, name: 'Tomato soup', ingredients: ['tomato', 'onion', 'garlic', 'olive oil', 'basil'] },
  { id: 3, name: 'Omelette', ingredients: ['egg', 'butter', 'chives', 'salt', 'pepper'] },
];

/**
 * Stands in for the database until the full cookbook lands: a slow source of recipes that counts its reads,
 * so the cache's effect is visible.
 */
@Injectable()
export class RecipesRepository {
  reads = 0;

  async findAll(): Promise<readonly Recipe[]> {
    this.reads++;
    await new Promise((resolve) => setTimeout(resolve, 50));
    return RECIPES;
  }
}
