import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { FoodsModule } from '../foods/foods.module.js';
import { RecipeWritesService } from './recipe-writes.service.js';
import { RecipesController } from './recipes.controller.js';
import { RecipesService } from './recipes.service.js';

/** Recipe reads and writes, and `GET|POST|PATCH|DELETE /api/recipes[/:id]`; the pages use the same services. */
@Module({
  imports: [AuthModule, FoodsModule],
  controllers: [RecipesController],
  providers: [RecipesService, RecipeWritesService],
  exports: [RecipesService, RecipeWritesService],
})
export class RecipesModule {}
