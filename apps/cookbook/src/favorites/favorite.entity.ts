import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import type { Relation } from 'typeorm';
import { Recipe } from '../recipes/recipe.entity.js';
import { User } from '../users/user.entity.js';

/** A recipe a user marked; at most one per user and recipe. */
@Entity({ name: 'favorites' })
@Unique('UQ_favorites_user_recipe', ['userId', 'recipeId'])
@Index('IDX_favorites_recipe_id', ['recipeId'])
export class Favorite {
  // A surrogate key rather than (userId, recipeId): TypeORM clears primary columns on the instance it removes,
  // and the invalidation mapping needs `userId` after a removal.
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_favorites_user_id' })
  user?: Relation<User>;

  @Column({ name: 'recipe_id', type: 'integer' })
  recipeId!: number;

  @ManyToOne(() => Recipe, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'recipe_id', foreignKeyConstraintName: 'FK_favorites_recipe_id' })
  recipe?: Relation<Recipe>;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
