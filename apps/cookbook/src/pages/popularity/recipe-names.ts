import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { Recipe } from '../../recipes/recipe.entity.js';

/** A recipe's id and name, for lists that link to recipes. */
export interface RecipeLink {
  readonly id: number;
  readonly name: string;
}

/** Names of recipes by id, in one query. */
@Injectable()
export class RecipeNames {
  constructor(private readonly db: TransactionRunner) {}

  /** The recipes among `ids` that exist, in the order of `ids`. */
  async of(ids: readonly number[]): Promise<RecipeLink[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.read((manager) =>
      manager.find(Recipe, { select: { id: true, name: true }, where: { id: In([...ids]) } }),
    );
    const names = new Map(rows.map((row) => [row.id, row.name]));
    return ids.flatMap((id) => (names.has(id) ? [{ id, name: names.get(id)! }] : []));
  }
}
