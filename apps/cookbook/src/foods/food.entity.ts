import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * Something recipes are made of ("flour"); shared by every recipe that lists it. Names are unique ignoring case:
 * besides `UQ_foods_name`, the unique index `UQ_foods_name_lower` on `LOWER(name)`, which entity metadata cannot
 * describe (created by a migration; look names up with `findFoodNamed`).
 */
@Entity({ name: 'foods' })
@Unique('UQ_foods_name', ['name'])
export class Food {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;
}
