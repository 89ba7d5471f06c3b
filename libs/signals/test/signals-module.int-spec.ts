import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import {
  CacheInvalidationModule,
  postSave,
  ReceiversLoader,
  SignalsConfigError,
  SignalsModule,
  type EntitySavePayload,
} from '@stash/signals';
import {
  EntitySignalsSubscriber,
  OutboxSweeper,
  StashInvalidationOutbox,
  TypeOrmSignalsModule,
} from '@stash/signals/typeorm';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { Recipe, recipe, TEST_ENTITIES } from './support/entities.js';
import { LogCapture } from './support/log-capture.js';
import { typeOrmRoot } from './support/signals-test-app.js';

@Injectable()
class SignalsOptionsFactory {
  createSignalsOptions() {
    return {};
  }
}

@Module({ providers: [SignalsOptionsFactory], exports: [SignalsOptionsFactory] })
class OptionsFactoryModule {}

function subscribersOf(dataSource: DataSource): EntitySignalsSubscriber[] {
  return dataSource.subscribers.filter((s): s is EntitySignalsSubscriber => s instanceof EntitySignalsSubscriber);
}

// Module wiring is not about the database: these run on SQLite only.
describe('module wiring', () => {
  let db: TestDatabase;
  const opened: TestingModule[] = [];
  let logs: LogCapture;

  async function boot(imports: unknown[]): Promise<TestingModule> {
    const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
    opened.push(moduleRef);
    await moduleRef.init();
    return moduleRef;
  }

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'wiring');
  });

  afterAll(async () => {
    await db?.drop();
  });

  beforeEach(() => {
    logs = new LogCapture();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((moduleRef) => moduleRef.close()));
    logs.restore();
  });

  describe('SignalsModule', () => {
    it.each([
      ['forRoot()', () => SignalsModule.forRoot()],
      ['forRoot({ isGlobal })', () => SignalsModule.forRoot({ isGlobal: true })],
      ['forRootAsync({ useFactory })', () => SignalsModule.forRootAsync({ useFactory: () => ({}) })],
      ['forRootAsync({ useClass })', () => SignalsModule.forRootAsync({ useClass: SignalsOptionsFactory })],
      [
        'forRootAsync({ useExisting })',
        () => SignalsModule.forRootAsync({ imports: [OptionsFactoryModule], useExisting: SignalsOptionsFactory }),
      ],
    ])('%s compiles with its receivers loader', async (_, module) => {
      const moduleRef = await boot([module()]);
      expect(moduleRef.get(ReceiversLoader)).toBeInstanceOf(ReceiversLoader);
    });

    it('refuses an unknown option at bootstrap', async () => {
      await expect(boot([SignalsModule.forRoot({ discover: true } as never)])).rejects.toThrow(SignalsConfigError);
    });
  });

  describe('TypeOrmSignalsModule', () => {
    it.each([
      ['forRoot()', () => TypeOrmSignalsModule.forRoot()],
      [
        'forRootAsync({ useFactory })',
        () => TypeOrmSignalsModule.forRootAsync({ useFactory: () => ({ warnOnBulkWrites: false }) }),
      ],
    ])('%s registers its subscriber on the DataSource and removes it at shutdown', async (_, module) => {
      const moduleRef = await boot([typeOrmRoot(db), module()]);
      const dataSource = moduleRef.get(DataSource);
      expect(subscribersOf(dataSource)).toHaveLength(1);
      opened.splice(opened.indexOf(moduleRef), 1);
      await moduleRef.close();
      expect(subscribersOf(dataSource)).toHaveLength(0);
    });

    it.each([
      ['forRoot({ outbox })', () => TypeOrmSignalsModule.forRoot({ outbox: { sweepIntervalMs: 60_000 } })],
      [
        'forRootAsync({ useFactory }) with outbox',
        () => TypeOrmSignalsModule.forRootAsync({ useFactory: () => ({ outbox: { sweepIntervalMs: 60_000 } }) }),
      ],
    ])('%s sweeps the outbox table', async (_, module) => {
      const moduleRef = await boot([typeOrmRoot(db), module()]);
      const outbox = moduleRef.get(DataSource).getRepository(StashInvalidationOutbox);
      await outbox.insert({ id: 'wiring', cacheName: 'nowhere', tags: ['x'] });
      try {
        expect(await moduleRef.get(OutboxSweeper).sweep()).toBe(0);
        expect(logs.warnings()).toEqual([expect.stringContaining('this application has no cache "nowhere"')]);
      } finally {
        await outbox.delete({ id: 'wiring' });
      }
    });

    it('without outbox, its sweeper does nothing', async () => {
      const moduleRef = await boot([typeOrmRoot(db), TypeOrmSignalsModule.forRoot()]);
      const outbox = moduleRef.get(DataSource).getRepository(StashInvalidationOutbox);
      await outbox.insert({ id: 'idle', cacheName: 'nowhere', tags: ['x'] });
      try {
        expect(await moduleRef.get(OutboxSweeper).sweep()).toBe(0);
        expect(logs.warnings()).toEqual([]);
      } finally {
        await outbox.delete({ id: 'idle' });
      }
    });

    it('instruments the named DataSource given as dataSource, and sends its name as using', async () => {
      const moduleRef = await boot([
        TypeOrmModule.forRoot({ ...db.typeorm, name: 'analytics', entities: TEST_ENTITIES, synchronize: true }),
        TypeOrmSignalsModule.forRoot({ dataSource: 'analytics' }),
      ]);
      const analytics = moduleRef.get<DataSource>(getDataSourceToken('analytics'));
      expect(subscribersOf(analytics)).toHaveLength(1);
      const using: (string | undefined)[] = [];
      const stop = postSave.connect((payload: EntitySavePayload<Recipe>) => void using.push(payload.using));
      try {
        await analytics.getRepository(Recipe).save(recipe('Named'));
      } finally {
        stop();
      }
      expect(using).toEqual(['analytics']);
    });

    it('imported twice for one DataSource, it keeps one subscriber and says so', async () => {
      const moduleRef = await boot([
        typeOrmRoot(db),
        TypeOrmSignalsModule.forRoot(),
        TypeOrmSignalsModule.forRoot({ warnOnBulkWrites: false }),
      ]);
      expect(subscribersOf(moduleRef.get(DataSource))).toHaveLength(1);
      expect(logs.warnings()).toEqual([expect.stringContaining('already has a signals subscriber')]);
    });

    it('warnOnBulkWrites: false silences the identity-less write warning', async () => {
      const moduleRef = await boot([typeOrmRoot(db), TypeOrmSignalsModule.forRoot({ warnOnBulkWrites: false })]);
      await moduleRef.get(DataSource).getRepository(Recipe).update({ title: 'nothing' }, { title: 'still nothing' });
      expect(logs.warnings()).toEqual([]);
    });

    it('refuses an empty dataSource name when called', () => {
      expect(() => TypeOrmSignalsModule.forRoot({ dataSource: '' })).toThrow(SignalsConfigError);
    });

    it('refuses a bad option at bootstrap', async () => {
      await expect(
        boot([typeOrmRoot(db), TypeOrmSignalsModule.forRoot({ warnOnBulkWrites: 'yes' } as never)]),
      ).rejects.toThrow(SignalsConfigError);
    });
  });

  describe('CacheInvalidationModule.forFeature', () => {
    it.each([
      ['a mapping without tags', () => CacheInvalidationModule.forFeature([{ entity: Recipe } as never])],
      ['an unknown option', () => CacheInvalidationModule.forFeature([], { cahce: 'x' } as never)],
    ])('refuses %s when called', (_, call) => {
      expect(call).toThrow(SignalsConfigError);
    });
  });
});
