import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { trimmed } from '../../common/trimmed.js';

/** Body of `PATCH /api/foods/:id`: a rename. */
export class UpdateFoodDto {
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;
}
