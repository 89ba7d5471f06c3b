import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import { SignedInGuard } from '../auth/signed-in.guard.js';
import { IdParam } from '../common/id-param.decorator.js';
import { UpdateFoodDto } from './dto/update-food.dto.js';
import type { FoodView } from './food.view.js';
import { FoodsService } from './foods.service.js';

@Controller('api/foods')
export class FoodsController {
  constructor(private readonly foods: FoodsService) {}

  /** Every food, by name. */
  @Get()
  list(): Promise<FoodView[]> {
    return this.foods.list();
  }

  /** Renames a food; every recipe that lists it shows the new name. */
  @Patch(':id')
  @UseGuards(SignedInGuard)
  rename(@IdParam() id: number, @Body() body: UpdateFoodDto): Promise<FoodView> {
    return this.foods.rename(id, body.name);
  }
}
