import { DataSource } from 'typeorm';
import type { TestDatabase } from '../../../../test/support/test-database.js';

/**
 * A second connection to the test database (its own DataSource, with no subscriber): it sees only committed
 * rows, which is how a test tells "inside the transaction" from "after the commit".
 */
export class OtherConnection {
  private constructor(
    private readonly db: TestDatabase,
    private readonly dataSource: DataSource,
  ) {}

  static async open(db: TestDatabase): Promise<OtherConnection> {
    const dataSource = new DataSource({ ...db.typeorm, entities: [], logging: false });
    await dataSource.initialize();
    return new OtherConnection(db, dataSource);
  }

  /** The committed title of a recipe, or undefined when no committed row has that id. */
  async recipeTitle(id: number): Promise<string | undefined> {
    const rows = await this.select<{ title: string }>('sig_recipe', 'title', id);
    return rows[0]?.title;
  }

  /** How many committed recipes have this title. */
  async countTitled(title: string): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM ${this.table('sig_recipe')} WHERE title = ${this.dataSource.driver.options.type === 'postgres' ? '$1' : '?'}`,
      [title],
    )) as { n: number | string }[];
    return Number(rows[0]!.n);
  }

  /** The committed version of a recipe (the race test's writer bumps it). */
  async recipeVersion(id: number): Promise<number | undefined> {
    const rows = await this.select<{ version: number }>('sig_recipe', 'version', id);
    return rows[0] === undefined ? undefined : Number(rows[0].version);
  }

  /** The committed recipe id of an ingredient. */
  async ingredientRecipe(id: number): Promise<number | undefined> {
    const rows = await this.select<{ recipeId: number }>('sig_ingredient', '"recipeId"', id);
    return rows[0] === undefined ? undefined : Number(rows[0].recipeId);
  }

  async close(): Promise<void> {
    await this.dataSource.destroy();
  }

  private table(name: string): string {
    return this.db.typeorm.type === 'postgres' ? `"${this.db.typeorm.schema}"."${name}"` : `"${name}"`;
  }

  private async select<T>(table: string, column: string, id: number): Promise<T[]> {
    return (await this.dataSource.query(`SELECT ${column} FROM ${this.table(table)} WHERE id = ${Number(id)}`)) as T[];
  }
}
