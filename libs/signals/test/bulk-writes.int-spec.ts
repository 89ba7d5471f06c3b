import { SignalsNotInstalledError } from '@stash/signals';
import { onCommit, signalBulkWrite } from '@stash/signals/typeorm';
import { DataSource, type Repository } from 'typeorm';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '../../../test/support/test-database.js';
import { Book, Recipe, recipe, Shelf, TEST_ENTITIES } from './support/entities.js';
import { OtherConnection } from './support/other-connection.js';
import { SignalRecorder } from './support/signal-recorder.js';
import { LogCapture } from './support/log-capture.js';
import { bootSignalsApp, type SignalsTestApp } from './support/signals-test-app.js';

describe.each(TEST_DATABASE_KINDS)('writes TypeORM cannot identify, on %s', (kind) => {
  let db: TestDatabase;
  let app: SignalsTestApp;
  let other: OtherConnection;
  let recipes: Repository<Recipe>;
  let recorder: SignalRecorder;
  let logs: LogCapture;

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'bulk_writes');
    other = await OtherConnection.open(db);
  });

  afterAll(async () => {
    await other?.close();
    await db?.drop();
  });

  beforeEach(async () => {
    logs = new LogCapture();
    // A fresh app per test: the once-per-entity warnings start over.
    app = await bootSignalsApp(db, { withoutCache: true });
    recipes = app.dataSource.getRepository(Recipe);
    recorder = new SignalRecorder((_, payload) => {
      const id = (payload.instance as Recipe).id;
      return id === undefined ? undefined : other.recipeTitle(id);
    });
  });

  afterEach(async () => {
    recorder.stop();
    await app?.close();
    logs.restore();
  });

  describe('query-builder and repository.update/delete/insert', () => {
    it('send no signal and warn once per entity and operation, naming signalBulkWrite', async () => {
      const saved = await recipes.save(recipe('Bulk'));
      recorder.clear();
      await recipes.update({ id: saved.id }, { title: 'Bulk 2' });
      await app.dataSource
        .createQueryBuilder()
        .update(Recipe)
        .set({ title: 'Bulk 3' })
        .where({ id: saved.id })
        .execute();
      await recipes.delete({ id: saved.id });
      expect(recorder.names).toEqual([]);
      expect(logs.warnings()).toEqual([
        expect.stringMatching(
          /^Recipe: TypeORM reported an update without the entity's identity.*signalBulkWrite\(manager, \{ sender: Recipe, action: 'save'/,
        ),
        expect.stringMatching(/^Recipe: .*delete without the entity's identity.*action: 'delete'/),
      ]);
    });

    it('a relation row TypeORM updates on its own (an orphaned child) sends no signal and warns', async () => {
      const shelves = app.dataSource.getRepository(Shelf);
      const shelf = await shelves.save(
        Object.assign(new Shelf(), {
          name: 'Cookbooks',
          books: [Object.assign(new Book(), { title: 'Kept' }), Object.assign(new Book(), { title: 'Orphaned' })],
        }),
      );
      recorder.clear();
      shelf.books = shelf.books.filter((book) => book.title === 'Kept');
      await shelves.save(shelf);
      const orphan = await app.dataSource.getRepository(Book).findOneByOrFail({ title: 'Orphaned' });
      expect(orphan.shelfId).toBeNull();
      expect(recorder.names).toEqual([]);
      expect(logs.warnings()).toEqual([
        expect.stringMatching(/^Book: TypeORM made an update on its own .*signalBulkWrite/),
      ]);
    });

    it('repository.insert sends preSave (TypeORM cannot tell it from save() before the write) and warns', async () => {
      await recipes.insert({ title: 'Inserted' });
      expect(recorder.names).toEqual(['preSave:Recipe']);
      expect(logs.warnings()).toEqual([expect.stringMatching(/^Recipe: .*insert without the entity's identity/)]);
    });
  });

  describe('signalBulkWrite', () => {
    it('outside a transaction sends postSave and postSaveCommitted right away', async () => {
      const saved = await recipes.save(recipe('Before'));
      recorder.clear();
      await recipes.update({ id: saved.id }, { title: 'After' });
      const updated = await recipes.findOneByOrFail({ id: saved.id });
      await signalBulkWrite(app.dataSource.manager, { sender: Recipe, action: 'save', instances: [updated] });
      expect(recorder.names).toEqual(['postSave:Recipe', 'postSaveCommitted:Recipe']);
      expect(recorder.events.map((e) => [e.created, e.instance.title, e.probed])).toEqual([
        [false, 'After', 'After'],
        [false, 'After', 'After'],
      ]);
    });

    it('inside a transaction queues the committed signals until the commit', async () => {
      const rows = await recipes.save([recipe('r1'), recipe('r2')]);
      recorder.clear();
      let namesInside: string[] = [];
      await app.dataSource.transaction(async (manager) => {
        await manager.update(
          Recipe,
          rows.map((r) => r.id),
          { version: 2 },
        );
        const instances = await manager.findBy(Recipe, { version: 2 });
        await signalBulkWrite(manager, { sender: Recipe, action: 'save', instances, updateFields: ['version'] });
        namesInside = [...recorder.names];
      });
      expect(namesInside).toEqual(['postSave:Recipe', 'postSave:Recipe']);
      const committed = recorder.of('postSaveCommitted');
      expect(committed.map((e) => e.instance.title)).toEqual(['r1', 'r2']);
      expect(committed.map((e) => e.updateFields)).toEqual([['version'], ['version']]);
    });

    it('inside a transaction that rolls back sends no committed signal', async () => {
      const saved = await recipes.save(recipe('kept'));
      recorder.clear();
      await expect(
        app.dataSource.transaction(async (manager) => {
          await manager.delete(Recipe, { id: saved.id });
          await signalBulkWrite(manager, { sender: Recipe, action: 'delete', instances: [saved] });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(recorder.names).toEqual(['postDelete:Recipe']);
      expect(await other.recipeTitle(saved.id)).toBe('kept');
    });

    it('a delete carries the instances given; the committed receivers see the rows gone', async () => {
      const saved = await recipes.save(recipe('gone'));
      recorder.clear();
      await app.dataSource.transaction(async (manager) => {
        await manager.delete(Recipe, { id: saved.id });
        await signalBulkWrite(manager, { sender: Recipe, action: 'delete', instances: [saved] });
      });
      expect(recorder.names).toEqual(['postDelete:Recipe', 'postDeleteCommitted:Recipe']);
      expect(recorder.of('postDeleteCommitted')[0]).toMatchObject({ instance: { id: saved.id }, probed: undefined });
    });

    it.each([
      ['sender', { sender: 'Recipe', action: 'save', instances: [] }],
      ['action', { sender: Recipe, action: 'upsert', instances: [] }],
      ['instances', { sender: Recipe, action: 'save', instances: {} }],
    ])('refuses a bad %s', async (option, write) => {
      await expect(signalBulkWrite(app.dataSource.manager, write as never)).rejects.toThrow(
        `Invalid signals option "signalBulkWrite ${option}"`,
      );
    });
  });

  describe('onCommit', () => {
    it('runs after the outermost commit, before transaction() resolves, seeing committed data', async () => {
      const seen: (string | undefined)[] = [];
      let ranInside = false;
      await app.dataSource.transaction(async (manager) => {
        const saved = await manager.save(recipe('Committed'));
        await onCommit(manager, async () => {
          seen.push(await other.recipeTitle(saved.id));
        });
        ranInside = seen.length > 0;
      });
      expect(ranInside).toBe(false);
      expect(seen).toEqual(['Committed']);
    });

    it('is dropped with its savepoint, and with a rolled back transaction', async () => {
      const ran: string[] = [];
      await app.dataSource.transaction(async (manager) => {
        await onCommit(manager, () => ran.push('outer'));
        await expect(
          manager.transaction(async (inner) => {
            await onCommit(inner, () => ran.push('inner'));
            throw new Error('inner abort');
          }),
        ).rejects.toThrow('inner abort');
      });
      await expect(
        app.dataSource.transaction(async (manager) => {
          await onCommit(manager, () => ran.push('rolled back'));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(ran).toEqual(['outer']);
    });

    it('runs right away without a transaction; its errors are logged, never thrown', async () => {
      const ran: string[] = [];
      await onCommit(app.dataSource.manager, () => ran.push('now'));
      expect(ran).toEqual(['now']);
      await app.dataSource.transaction(async (manager) => {
        await onCommit(manager, function failingCallback() {
          throw new Error('callback failed');
        });
      });
      expect(logs.errors()).toEqual([
        expect.stringMatching(/onCommit callback failingCallback failed: callback failed/),
      ]);
    });

    it('refuses a DataSource without the signals subscriber', async () => {
      const bare = new DataSource({ ...db.typeorm, entities: TEST_ENTITIES, logging: false });
      await bare.initialize();
      try {
        await expect(onCommit(bare.manager, () => undefined)).rejects.toThrow(SignalsNotInstalledError);
        await expect(signalBulkWrite(bare.manager, { sender: Recipe, action: 'save', instances: [] })).rejects.toThrow(
          /TypeOrmSignalsModule\.forRoot/,
        );
      } finally {
        await bare.destroy();
      }
    });
  });
});
