import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { normalizedFoodName } from '../food-name.js';

/** Body of `PATCH /api/foods/:id`: a rename (whitespace collapsed, see food-name.ts). */
export class UpdateFoodDto {
  @Transform(normalizedFoodName)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;
}
