import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';
import { NotWith } from '../../common/not-with.decorator.js';
import { OptionalField } from '../../common/optional-field.decorator.js';
import { MAX_RECORD_ID } from '../../common/record-id.js';
import { trimmed } from '../../common/trimmed.js';
import { normalizedFoodName } from '../../foods/food-name.js';

/** Body of `PATCH /api/ingredients/:id`: any of its fields; `recipeId` moves it to another recipe. */
export class UpdateIngredientDto {
  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(MAX_RECORD_ID)
  recipeId?: number;

  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(MAX_RECORD_ID)
  foodId?: number;

  @OptionalField()
  @Transform(normalizedFoodName)
  @NotWith('foodId')
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  foodName?: string;

  @OptionalField()
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  description?: string;
}
