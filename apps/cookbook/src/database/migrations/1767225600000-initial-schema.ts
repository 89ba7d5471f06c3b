import { Table, TableForeignKey, TableIndex, TableUnique } from 'typeorm';
import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Foods, recipes, their ingredients, users and favourites. Written with the QueryRunner Table API, not SQL, so
 * the one migration runs on SQLite and PostgreSQL; column types the drivers spell differently (timestamps) come
 * from the driver's own mapping, the one the entities' date columns use.
 */
export class InitialSchema1767225600000 implements MigrationInterface {
  readonly name = 'InitialSchema1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const types = queryRunner.connection.driver.mappedDataTypes;
    const id: TableColumnOptions = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    };
    const timestamp = (name: string): TableColumnOptions => ({
      name,
      type: String(types.createDate),
      default: types.createDateDefault,
    });
    const reference = (table: string, column: string, referencedTable: string) =>
      new TableForeignKey({
        name: `FK_${table}_${column}`,
        columnNames: [column],
        referencedTableName: referencedTable,
        referencedColumnNames: ['id'],
        onDelete: 'NO ACTION',
      });

    await queryRunner.createTable(
      new Table({
        name: 'foods',
        columns: [id, { name: 'name', type: 'varchar', length: '100' }],
        uniques: [new TableUnique({ name: 'UQ_foods_name', columnNames: ['name'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'recipes',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'text' },
          timestamp('created_at'),
          { ...timestamp('updated_at'), type: String(types.updateDate), default: types.updateDateDefault },
        ],
        uniques: [new TableUnique({ name: 'UQ_recipes_name', columnNames: ['name'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'ingredients',
        columns: [
          id,
          { name: 'recipe_id', type: 'integer' },
          { name: 'food_id', type: 'integer' },
          { name: 'description', type: 'varchar', length: '200' },
        ],
        foreignKeys: [reference('ingredients', 'recipe_id', 'recipes'), reference('ingredients', 'food_id', 'foods')],
        indices: [
          new TableIndex({ name: 'IDX_ingredients_recipe_id', columnNames: ['recipe_id'] }),
          new TableIndex({ name: 'IDX_ingredients_food_id', columnNames: ['food_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          { name: 'username', type: 'varchar', length: '150' },
          { name: 'display_name', type: 'varchar', length: '150' },
          { name: 'password_hash', type: 'varchar', length: '255' },
        ],
        uniques: [new TableUnique({ name: 'UQ_users_username', columnNames: ['username'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'favorites',
        columns: [
          id,
          { name: 'user_id', type: 'integer' },
          { name: 'recipe_id', type: 'integer' },
          timestamp('created_at'),
        ],
        foreignKeys: [reference('favorites', 'user_id', 'users'), reference('favorites', 'recipe_id', 'recipes')],
        uniques: [new TableUnique({ name: 'UQ_favorites_user_recipe', columnNames: ['user_id', 'recipe_id'] })],
        indices: [new TableIndex({ name: 'IDX_favorites_recipe_id', columnNames: ['recipe_id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['favorites', 'users', 'ingredients', 'recipes', 'foods']) {
      await queryRunner.dropTable(table);
    }
  }
}
