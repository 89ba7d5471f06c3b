import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Patch,
  Post,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { SignedInGuard } from '../auth/signed-in.guard.js';
import { CacheStatusInterceptor } from '../cache/cache-status.interceptor.js';
import type { CachedRead } from '../cache/cached-read.js';
import { IdParam } from '../common/id-param.decorator.js';
import { RateLimit } from '../rate-limit/rate-limit.decorator.js';
import { CreateRecipeDto } from './dto/create-recipe.dto.js';
import { UpdateRecipeDto } from './dto/update-recipe.dto.js';
import { RecipeWritesService } from './recipe-writes.service.js';
import type { RecipeView } from './recipe.view.js';
import { RecipesService } from './recipes.service.js';

@Controller('api/recipes')
@UseInterceptors(CacheStatusInterceptor)
export class RecipesController {
  constructor(
    private readonly recipes: RecipesService,
    private readonly writes: RecipeWritesService,
  ) {}

  /** Every recipe with its ingredients and their foods (cached; concurrent misses share one database read). */
  @Get()
  list(): Promise<CachedRead<RecipeView[]>> {
    return this.recipes.list();
  }

  @Get(':id')
  get(@IdParam() id: number): Promise<CachedRead<RecipeView>> {
    return this.recipes.get(id);
  }

  @Post()
  @RateLimit('api-write')
  @UseGuards(SignedInGuard)
  create(@Body() body: CreateRecipeDto): Promise<RecipeView> {
    return this.writes.create(body);
  }

  @Patch(':id')
  @RateLimit('api-write')
  @UseGuards(SignedInGuard)
  update(@IdParam() id: number, @Body() body: UpdateRecipeDto): Promise<RecipeView> {
    return this.writes.update(id, body);
  }

  /** Deletes the recipe, its ingredients and the favourites that point at it. */
  @Delete(':id')
  @RateLimit('api-write')
  @UseGuards(SignedInGuard)
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@IdParam() id: number): Promise<void> {
    await this.writes.remove(id);
  }
}
