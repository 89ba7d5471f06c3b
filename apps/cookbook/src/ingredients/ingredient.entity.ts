import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Food } from '../foods/food.entity.js';
import { Recipe } from '../recipes/recipe.entity.js';

/** One line of a recipe: a food and how much of it ("200 g"). */
@Entity({ name: 'ingredients' })
@Index('IDX_ingredients_recipe_id', ['recipeId'])
@Index('IDX_ingredients_food_id', ['foodId'])
export class Ingredient {
  @PrimaryGeneratedColumn()
  id!: number;

  // Explicit foreign-key columns: the cache invalidation mapping reads `recipeId` from the row without loading
  // the relation, and a move to another recipe is a change of this column.
  @Column({ name: 'recipe_id', type: 'integer' })
  recipeId!: number;

  @ManyToOne(() => Recipe, (recipe) => recipe.ingredients, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'recipe_id', foreignKeyConstraintName: 'FK_ingredients_recipe_id' })
  recipe?: Relation<Recipe>;

  @Column({ name: 'food_id', type: 'integer' })
  foodId!: number;

  @ManyToOne(() => Food, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'food_id', foreignKeyConstraintName: 'FK_ingredients_food_id' })
  food?: Relation<Food>;

  @Column({ type: 'varchar', length: 200 })
  description!: string;
}
