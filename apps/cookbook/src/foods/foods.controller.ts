import { Body, Controller, Get, Patch, UseGuards, UseInterceptors } from '@nestjs/common';
import { SignedInGuard } from '../auth/signed-in.guard.js';
import { CacheStatusInterceptor } from '../cache/cache-status.interceptor.js';
import type { CachedRead } from '../cache/cached-read.js';
import { IdParam } from '../common/id-param.decorator.js';
import { RateLimit } from '../rate-limit/rate-limit.decorator.js';
import { UpdateFoodDto } from './dto/update-food.dto.js';
import type { FoodView } from './food.view.js';
import { FoodsService } from './foods.service.js';

@Controller('api/foods')
@UseInterceptors(CacheStatusInterceptor)
export class FoodsController {
  constructor(private readonly foods: FoodsService) {}

  /** Every food, by name. */
  @Get()
  list(): Promise<CachedRead<FoodView[]>> {
    return this.foods.list();
  }

  /** Renames a food; every recipe that lists it shows the new name. */
  @Patch(':id')
  @RateLimit('api-write')
  @UseGuards(SignedInGuard)
  rename(@IdParam() id: number, @Body() body: UpdateFoodDto): Promise<FoodView> {
    return this.foods.rename(id, body.name);
  }
}
