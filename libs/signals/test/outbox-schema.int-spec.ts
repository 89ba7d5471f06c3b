import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SignalsConfigError } from '@stash/signals';
import {
  CreateStashInvalidationOutbox1795435200000,
  OUTBOX_TABLE,
  StashInvalidationOutbox,
  TypeOrmSignalsModule,
} from '@stash/signals/typeorm';
import { DataSource } from 'typeorm';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '../../../test/support/test-database.js';
import { TEST_ENTITIES } from './support/entities.js';
import { LogCapture } from './support/log-capture.js';

describe.each(TEST_DATABASE_KINDS)('the outbox table on %s', (kind) => {
  let db: TestDatabase;
  let logs: LogCapture;

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'outbox_schema');
  });

  afterAll(async () => {
    await db?.drop();
  });

  beforeEach(() => {
    logs = new LogCapture();
  });

  afterEach(() => logs.restore());

  /** Boots TypeORM (without synchronize) and the signals with the outbox on. */
  async function boot(entities: unknown[]) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ ...db.typeorm, entities: entities as never[], retryAttempts: 0, logging: false }),
        TypeOrmSignalsModule.forRoot({ outbox: true }),
      ],
    }).compile();
    try {
      await moduleRef.init();
    } finally {
      await moduleRef.close();
    }
  }

  it('refuses to boot with the outbox on but its entity missing from the DataSource', async () => {
    await expect(boot(TEST_ENTITIES)).rejects.toThrow(SignalsConfigError);
    await expect(boot(TEST_ENTITIES)).rejects.toThrow(/StashInvalidationOutbox among the entities/);
  });

  it('refuses to boot with the outbox on but its table missing, naming the migration', async () => {
    await expect(boot([...TEST_ENTITIES, StashInvalidationOutbox])).rejects.toThrow(
      new RegExp(`table "${OUTBOX_TABLE}".*CreateStashInvalidationOutbox1795435200000`),
    );
  });

  it('the migration creates exactly the table the entity describes, and reverts', async () => {
    const dataSource = new DataSource({
      ...db.typeorm,
      entities: [StashInvalidationOutbox],
      migrations: [CreateStashInvalidationOutbox1795435200000],
      logging: false,
    });
    await dataSource.initialize();
    try {
      expect(await dataSource.runMigrations()).toHaveLength(1);
      // What synchronize would still change: nothing, the migration and the entity agree.
      expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
      await dataSource.getRepository(StashInvalidationOutbox).insert({ id: 'a', cacheName: 'default', tags: ['x'] });
      const [row] = await dataSource.getRepository(StashInvalidationOutbox).find();
      expect(row).toMatchObject({ id: 'a', cacheName: 'default', tags: ['x'] });
      expect(row!.createdAt).toBeInstanceOf(Date);
      await boot([...TEST_ENTITIES, StashInvalidationOutbox]);

      await dataSource.undoLastMigration();
      const runner = dataSource.createQueryRunner();
      try {
        expect(await runner.hasTable(OUTBOX_TABLE)).toBe(false);
      } finally {
        await runner.release();
      }
    } finally {
      await dataSource.destroy();
    }
  });
});
