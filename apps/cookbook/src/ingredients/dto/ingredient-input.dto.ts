import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { NotWith } from '../../common/not-with.decorator.js';
import { MAX_RECORD_ID } from '../../common/record-id.js';
import { trimmed } from '../../common/trimmed.js';
import { normalizedFoodName } from '../../foods/food-name.js';
import type { FoodReference } from '../../foods/food-resolver.js';

/** An ingredient in a request body: a food (an existing one by `foodId`, or by `foodName`) and a description. */
export class IngredientInputDto {
  // Checked when given, and when neither field is (so the error names what is missing).
  @ValidateIf((input: IngredientInputDto) => input.foodId !== undefined || input.foodName === undefined)
  @IsInt({ message: 'foodId must be an integer (or give foodName instead)' })
  @Min(1)
  @Max(MAX_RECORD_ID)
  foodId?: number;

  @ValidateIf((input: IngredientInputDto) => input.foodName !== undefined)
  @Transform(normalizedFoodName)
  @NotWith('foodId')
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  foodName?: string;

  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  description!: string;
}

/** The food an input names (validation lets at most one of the two through). */
export function foodReferenceOf(input: { foodId?: number; foodName?: string }): FoodReference | undefined {
  if (input.foodId !== undefined) return { foodId: input.foodId };
  if (input.foodName !== undefined) return { foodName: input.foodName };
  return undefined;
}
