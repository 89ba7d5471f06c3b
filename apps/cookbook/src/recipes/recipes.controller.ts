import { Controller, Get } from '@nestjs/common';
import { CacheService } from '@stash/cache';
import type { Recipe } from './recipe.js';
import { RecipesRepository } from './recipes.repository.js';

@Controller('api/recipes')
export class RecipesController {
  constructor(
    private readonly cache: CacheService,
    private readonly recipes: RecipesRepository,
  ) {}

  /** Every recipe, cached for a minute under the `recipes` tag; concurrent misses share one database read. */
  @Get()
  list(): Promise<readonly Recipe[]> {
    return this.cache.getOrSet('recipes:all', () => this.recipes.findAll(), { ttl: 60, tags: ['recipes'] });
  }
}
