import { Injectable } from '@nestjs/common';
import { RecipeNames } from './recipe-names.js';
import { RecipeViews } from './recipe-views.service.js';

/** A recipe in the most viewed list. */
export interface PopularRecipe {
  readonly id: number;
  readonly name: string;
  readonly views: number;
}

// Read a few more than asked, so that counts of recipes deleted since do not leave the list short.
const SLACK = 10;

/** The most viewed recipes, for `GET /api/popular` and the recipe pages' sidebar. */
@Injectable()
export class PopularRecipes {
  constructor(
    private readonly views: RecipeViews,
    private readonly names: RecipeNames,
  ) {}

  /** The `limit` most viewed recipes that still exist, most viewed first. */
  async top(limit: number): Promise<PopularRecipe[]> {
    const counts = await this.views.top(limit + SLACK);
    const links = new Map((await this.names.of(counts.map((count) => count.id))).map((link) => [link.id, link]));
    // A deleted recipe's count is dropped when it is met, so the set only ever holds recipes that exist(ed).
    await this.views.forget(counts.filter((count) => !links.has(count.id)).map((count) => count.id));
    return counts
      .filter((count) => links.has(count.id))
      .slice(0, limit)
      .map((count) => ({ id: count.id, name: links.get(count.id)!.name, views: count.views }));
  }
}
