import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Ingredient } from '../ingredients/ingredient.entity.js';

/** A recipe; its name is its natural key (fixtures are matched by it). */
@Entity({ name: 'recipes' })
@Unique('UQ_recipes_name', ['name'])
export class Recipe {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;

  // No ORM or database cascade: deleting a recipe removes its ingredients one by one (RecipeWritesService), so
  // each removal emits its signal.
  @OneToMany(() => Ingredient, (ingredient) => ingredient.recipe)
  ingredients!: Relation<Ingredient>[];
}
