import { Controller, Delete, Get, HttpCode, HttpStatus, Post, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { SignedInGuard } from '../auth/signed-in.guard.js';
import type { SignedInUser } from '../auth/signed-in-user.js';
import { CacheStatusInterceptor } from '../cache/cache-status.interceptor.js';
import type { CachedRead } from '../cache/cached-read.js';
import { IdParam } from '../common/id-param.decorator.js';
import { RateLimit } from '../rate-limit/rate-limit.decorator.js';
import type { FavoriteView } from './favorite.view.js';
import { FavoritesService } from './favorites.service.js';

/** The signed-in user's favourite recipes. */
@Controller('api')
@UseGuards(SignedInGuard)
@UseInterceptors(CacheStatusInterceptor)
export class FavoritesController {
  constructor(private readonly favorites: FavoritesService) {}

  @Get('favorites')
  list(@CurrentUser() user: SignedInUser): Promise<CachedRead<FavoriteView[]>> {
    return this.favorites.list(user.id);
  }

  /** Marks the recipe: 201 when it was not marked, 200 when it already was. */
  @Post('recipes/:id/favorite')
  @RateLimit('api-write')
  async add(
    @CurrentUser() user: SignedInUser,
    @IdParam() recipeId: number,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ recipeId: number; favorite: true }> {
    const created = await this.favorites.add(user.id, recipeId);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return { recipeId, favorite: true };
  }

  @Delete('recipes/:id/favorite')
  @RateLimit('api-write')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentUser() user: SignedInUser, @IdParam() recipeId: number): Promise<void> {
    await this.favorites.remove(user.id, recipeId);
  }
}
