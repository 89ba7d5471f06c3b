import { Module } from '@nestjs/common';
import { RecipesController } from './recipes.controller.js';
import { RecipesRepository } from './recipes.repository.js';

@Module({
  controllers: [RecipesController],
  providers: [RecipesRepository],
})
export class RecipesModule {}
