import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { FoodResolver } from './food-resolver.js';
import { FoodsController } from './foods.controller.js';
import { FoodsService } from './foods.service.js';

@Module({
  imports: [AuthModule],
  controllers: [FoodsController],
  providers: [FoodsService, FoodResolver],
  exports: [FoodResolver],
})
export class FoodsModule {}
