import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { OptionalField } from '../../common/optional-field.decorator.js';
import { trimmed } from '../../common/trimmed.js';

/** Body of `PATCH /api/recipes/:id`: the fields to change (ingredients change through their own routes). */
export class UpdateRecipeDto {
  @OptionalField()
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @OptionalField()
  @Transform(trimmed)
  @IsString()
  @MaxLength(5000)
  description?: string;
}
