import { Controller, Delete, Get, HttpCode, HttpStatus, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { SignedInGuard } from '../auth/signed-in.guard.js';
import type { SignedInUser } from '../auth/signed-in-user.js';
import { IdParam } from '../common/id-param.decorator.js';
import type { FavoriteView } from './favorite.view.js';
import { FavoritesService } from './favorites.service.js';

/** The signed-in user's favourite recipes. */
@Controller('api')
@UseGuards(SignedInGuard)
export class FavoritesController {
  constructor(private readonly favorites: FavoritesService) {}

  @Get('favorites')
  list(@CurrentUser() user: SignedInUser): Promise<FavoriteView[]> {
    return this.favorites.list(user.id);
  }

  /** Marks the recipe: 201 when it was not marked, 200 when it already was. */
  @Post('recipes/:id/favorite')
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
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentUser() user: SignedInUser, @IdParam() recipeId: number): Promise<void> {
    await this.favorites.remove(user.id, recipeId);
  }
}
