import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { FoodsModule } from '../foods/foods.module.js';
import { IngredientsController } from './ingredients.controller.js';
import { IngredientsService } from './ingredients.service.js';

@Module({
  imports: [AuthModule, FoodsModule],
  controllers: [IngredientsController],
  providers: [IngredientsService],
})
export class IngredientsModule {}
