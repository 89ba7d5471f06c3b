import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { FoodsModule } from '../foods/foods.module.js';
import { RecipeWritesService } from './recipe-writes.service.js';
import { RecipesController } from './recipes.controller.js';
import { RecipesService } from './recipes.service.js';

@Module({
  imports: [AuthModule, FoodsModule],
  controllers: [RecipesController],
  providers: [RecipesService, RecipeWritesService],
  exports: [RecipesService],
})
export class RecipesModule {}
