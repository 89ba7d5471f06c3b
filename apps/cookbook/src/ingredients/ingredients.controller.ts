import { Body, Controller, Delete, HttpCode, HttpStatus, Patch, Post, UseGuards } from '@nestjs/common';
import { SignedInGuard } from '../auth/signed-in.guard.js';
import { IdParam } from '../common/id-param.decorator.js';
import { RateLimit } from '../rate-limit/rate-limit.decorator.js';
import { IngredientInputDto } from './dto/ingredient-input.dto.js';
import { UpdateIngredientDto } from './dto/update-ingredient.dto.js';
import type { IngredientView } from './ingredient.view.js';
import { IngredientsService } from './ingredients.service.js';

@Controller('api')
@UseGuards(SignedInGuard)
export class IngredientsController {
  constructor(private readonly ingredients: IngredientsService) {}

  /** Adds an ingredient to a recipe. */
  @Post('recipes/:id/ingredients')
  @RateLimit('api-write')
  add(@IdParam() recipeId: number, @Body() body: IngredientInputDto): Promise<IngredientView> {
    return this.ingredients.add(recipeId, body);
  }

  /** Changes an ingredient; `recipeId` moves it to another recipe (both recipes show the change). */
  @Patch('ingredients/:id')
  @RateLimit('api-write')
  update(@IdParam() id: number, @Body() body: UpdateIngredientDto): Promise<IngredientView> {
    return this.ingredients.update(id, body);
  }

  @Delete('ingredients/:id')
  @RateLimit('api-write')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@IdParam() id: number): Promise<void> {
    await this.ingredients.remove(id);
  }
}
