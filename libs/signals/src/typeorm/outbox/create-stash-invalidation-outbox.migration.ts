import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { OUTBOX_TABLE } from './stash-invalidation-outbox.entity.js';

/**
 * Creates the table of `StashInvalidationOutbox` (SQLite and PostgreSQL; it uses the driver's own date type and
 * default, so it matches what `synchronize` would create). Add it to the DataSource's `migrations`.
 * @example TypeOrmModule.forRoot({ ..., entities: [..., StashInvalidationOutbox], migrations: [CreateStashInvalidationOutbox1795435200000], migrationsRun: true })
 */
export class CreateStashInvalidationOutbox1795435200000 implements MigrationInterface {
  readonly name = 'CreateStashInvalidationOutbox1795435200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { createDate, createDateDefault } = queryRunner.connection.driver.mappedDataTypes;
    await queryRunner.createTable(
      new Table({
        name: OUTBOX_TABLE,
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'cache_name', type: 'varchar', length: '255' },
          { name: 'tags', type: 'text' },
          { name: 'created_at', type: String(createDate), default: createDateDefault },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(OUTBOX_TABLE, true);
  }
}
