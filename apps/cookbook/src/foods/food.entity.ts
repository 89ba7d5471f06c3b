import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** Something recipes are made of ("flour"); shared by every recipe that lists it. */
@Entity({ name: 'foods' })
@Unique('UQ_foods_name', ['name'])
export class Food {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;
}
