import { Controller, Get } from '@nestjs/common';
import { NeverCache } from '@stash/cache';
import { PopularRecipes, type PopularRecipe } from './popular-recipes.service.js';

/** How many recipes `GET /api/popular` lists. */
export const POPULAR_LIMIT = 10;

@Controller('api/popular')
export class PopularController {
  constructor(private readonly popular: PopularRecipes) {}

  /** The 10 most viewed recipes: `[{ id, name, views }]`, most viewed first. Counts move on every view: not cached. */
  @Get()
  @NeverCache()
  list(): Promise<PopularRecipe[]> {
    return this.popular.top(POPULAR_LIMIT);
  }
}
