import { Column, DeleteDateColumn, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';

// Explicit column types: the same entities run on SQLite and PostgreSQL.

@Entity('sig_recipe')
export class Recipe {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column('varchar')
  title!: string;

  @Column('integer', { default: 1 })
  version!: number;

  @DeleteDateColumn({ nullable: true })
  deletedAt?: Date | null;
}

@Entity('sig_ingredient')
export class Ingredient {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column('varchar')
  name!: string;

  @Column('integer')
  recipeId!: number;
}

@Entity('sig_food')
export class Food {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column('varchar')
  name!: string;
}

// A one-to-many pair: saving a shelf without one of its books makes TypeORM update that book on its own.
@Entity('sig_shelf')
export class Shelf {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column('varchar')
  name!: string;

  @OneToMany(() => Book, (book) => book.shelf, { cascade: true })
  books!: Book[];
}

@Entity('sig_book')
export class Book {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column('varchar')
  title!: string;

  @Column('integer', { nullable: true })
  shelfId!: number | null;

  @ManyToOne(() => Shelf, (shelf) => shelf.books, { nullable: true })
  @JoinColumn({ name: 'shelfId' })
  shelf?: Shelf | null;
}

export const TEST_ENTITIES = [Recipe, Ingredient, Food, Shelf, Book];

export function recipe(title: string): Recipe {
  return Object.assign(new Recipe(), { title });
}

export function ingredient(name: string, recipeId: number): Ingredient {
  return Object.assign(new Ingredient(), { name, recipeId });
}
