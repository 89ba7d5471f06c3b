import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsString, MaxLength, ValidateNested } from 'class-validator';
import { OptionalField } from '../../common/optional-field.decorator.js';
import { trimmed } from '../../common/trimmed.js';
import { IngredientInputDto } from '../../ingredients/dto/ingredient-input.dto.js';

export const MAX_INGREDIENTS = 50;

/** Body of `POST /api/recipes`. */
export class CreateRecipeDto {
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @Transform(trimmed)
  @IsString()
  @MaxLength(5000)
  description!: string;

  @OptionalField()
  @IsArray()
  @ArrayMaxSize(MAX_INGREDIENTS)
  @ValidateNested({ each: true })
  @Type(() => IngredientInputDto)
  ingredients?: IngredientInputDto[];
}
