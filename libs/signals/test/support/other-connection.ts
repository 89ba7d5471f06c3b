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

  /** The committed invalidation outbox rows (tags sorted), oldest id first. */
  async outboxRows(): Promise<{ cacheName: string; tags: string[] }[]> {
    const rows = (await this.dataSource.query(
      `SELECT cache_name, tags FROM ${this.table('stash_invalidation_outbox')} ORDER BY id`,
    )) as { cache_name: string; tags: string }[];
    return rows.map((row) => ({ cacheName: row.cache_name, tags: (JSON.parse(row.tags) as string[]).sort() }));
  }

  /** Empties the outbox table, so that a test sees only its own rows whatever an earlier test left. */
  async clearOutbox(): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${this.table('stash_invalidation_outbox')}`);
  }

  /**
   * PostgreSQL only: the id of the transaction that wrote each row (`xmin`) of a recipe and of every outbox row.
   * Equal ids prove that the rows were written in one transaction.
   */
  async writingTransactions(recipeId: number): Promise<{ recipe: string; outbox: string[] }> {
    const recipe = (await this.dataSource.query(
      `SELECT xmin::text AS tx FROM ${this.table('sig_recipe')} WHERE id = ${Number(recipeId)}`,
    )) as { tx: string }[];
    const outbox = (await this.dataSource.query(
      `SELECT xmin::text AS tx FROM ${this.table('stash_invalidation_outbox')}`,
    )) as { tx: string }[];
    return { recipe: recipe[0]!.tx, outbox: outbox.map((row) => row.tx) };
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
