import { postSave, preSave } from '@stash/signals';
import type { Repository } from 'typeorm';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '../../../test/support/test-database.js';
import { Recipe, recipe } from './support/entities.js';
import { OtherConnection } from './support/other-connection.js';
import { SignalRecorder } from './support/signal-recorder.js';
import { bootSignalsApp, type SignalsTestApp } from './support/signals-test-app.js';

describe.each(TEST_DATABASE_KINDS)('entity signals through TypeORM on %s', (kind) => {
  let db: TestDatabase;
  let app: SignalsTestApp;
  let other: OtherConnection;
  let recipes: Repository<Recipe>;
  let recorder: SignalRecorder;

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'entity_signals');
    app = await bootSignalsApp(db, { withoutCache: true });
    other = await OtherConnection.open(db);
    recipes = app.dataSource.getRepository(Recipe);
  });

  afterAll(async () => {
    await other?.close();
    await app?.close();
    await db?.drop();
  });

  beforeEach(() => {
    // Inside each receiver: what another connection (committed data only) sees of the recipe.
    recorder = new SignalRecorder((_, payload) => {
      const id = (payload.instance as Recipe).id;
      return payload.sender === Recipe && id !== undefined ? other.recipeTitle(id) : undefined;
    });
  });

  afterEach(() => recorder.stop());

  describe('outside a transaction (save() wraps itself in one)', () => {
    it('an insert sends preSave, postSave, then postSaveCommitted once the row is visible to others', async () => {
      const saved = await recipes.save(recipe('Soup'));
      expect(recorder.names).toEqual(['preSave:Recipe', 'postSave:Recipe', 'postSaveCommitted:Recipe']);
      const [pre, post, committed] = recorder.events;
      expect(pre).toMatchObject({ created: true, instance: { title: 'Soup' }, using: 'default' });
      expect(post).toMatchObject({ created: true, instance: { id: saved.id, title: 'Soup' }, probed: undefined });
      expect(post!.updateFields).toBeUndefined();
      expect(post!.previous).toBeUndefined();
      expect(committed).toMatchObject({ created: true, instance: { id: saved.id }, probed: 'Soup' });
    });

    it('an update sends created: false, the changed fields and the previous row', async () => {
      const saved = await recipes.save(recipe('Tea'));
      recorder.clear();
      saved.title = 'Green tea';
      await recipes.save(saved);
      expect(recorder.names).toEqual(['preSave:Recipe', 'postSave:Recipe', 'postSaveCommitted:Recipe']);
      const post = recorder.of('postSave')[0]!;
      expect(post).toMatchObject({ created: false, updateFields: ['title'], probed: 'Tea' });
      expect(post.instance).toMatchObject({ id: saved.id, title: 'Green tea' });
      expect(post.previous).toMatchObject({ id: saved.id, title: 'Tea' });
      expect(recorder.of('postSaveCommitted')[0]).toMatchObject({
        created: false,
        updateFields: ['title'],
        previous: { title: 'Tea' },
        probed: 'Green tea',
      });
    });

    it('a save that changes nothing writes nothing and sends nothing', async () => {
      const saved = await recipes.save(recipe('Unchanged'));
      recorder.clear();
      await recipes.save(saved);
      expect(recorder.names).toEqual([]);
    });

    it('a remove sends preDelete, postDelete and postDeleteCommitted with the primary key', async () => {
      const saved = await recipes.save(recipe('Bread'));
      const id = saved.id;
      recorder.clear();
      await recipes.remove(saved);
      expect(saved.id).toBeUndefined(); // TypeORM clears it; the payloads keep it.
      expect(recorder.names).toEqual(['preDelete:Recipe', 'postDelete:Recipe', 'postDeleteCommitted:Recipe']);
      const [pre, post, committed] = recorder.events;
      expect(pre).toMatchObject({ instance: { id, title: 'Bread' }, probed: 'Bread' });
      expect(post).toMatchObject({ instance: { id, title: 'Bread' }, probed: 'Bread' });
      expect(committed).toMatchObject({ instance: { id, title: 'Bread' }, probed: undefined });
    });

    it('EntityManager.save and remove send the same signals', async () => {
      const manager = app.dataSource.manager;
      const saved = await manager.save(recipe('Pie'));
      await manager.remove(saved);
      expect(recorder.names).toEqual([
        'preSave:Recipe',
        'postSave:Recipe',
        'postSaveCommitted:Recipe',
        'preDelete:Recipe',
        'postDelete:Recipe',
        'postDeleteCommitted:Recipe',
      ]);
    });

    it('saving several entities at once sends one signal each, committed in save order', async () => {
      await recipes.save([recipe('One'), recipe('Two'), recipe('Three')]);
      expect(recorder.of('postSaveCommitted').map((e) => e.instance.title)).toEqual(['One', 'Two', 'Three']);
      expect(recorder.of('postSaveCommitted').map((e) => e.probed)).toEqual(['One', 'Two', 'Three']);
    });

    it('soft remove and recover are saves of the delete date column', async () => {
      const saved = await recipes.save(recipe('Ghost'));
      recorder.clear();
      await recipes.softRemove(saved);
      await recipes.recover(saved);
      expect(recorder.names).toEqual([
        'preSave:Recipe',
        'postSave:Recipe',
        'postSaveCommitted:Recipe',
        'preSave:Recipe',
        'postSave:Recipe',
        'postSaveCommitted:Recipe',
      ]);
      expect(recorder.of('postSaveCommitted').map((e) => [e.created, e.updateFields])).toEqual([
        [false, ['deletedAt']],
        [false, ['deletedAt']],
      ]);
      expect(recorder.of('postSaveCommitted')[0]!.instance.deletedAt).not.toBeNull();
    });
  });

  describe('inside dataSource.transaction', () => {
    it('postSave runs inside; postSaveCommitted waits for the commit, and transaction() resolves after it', async () => {
      let seenInside: string[] = [];
      await app.dataSource.transaction(async (manager) => {
        await manager.save(recipe('Stew'));
        await manager.save(recipe('Salad'));
        seenInside = [...recorder.names];
      });
      expect(seenInside).toEqual(['preSave:Recipe', 'postSave:Recipe', 'preSave:Recipe', 'postSave:Recipe']);
      const committed = recorder.of('postSaveCommitted');
      expect(committed.map((e) => e.instance.title)).toEqual(['Stew', 'Salad']);
      expect(committed.map((e) => e.probed)).toEqual(['Stew', 'Salad']);
      expect(recorder.of('postSave').map((e) => e.probed)).toEqual([undefined, undefined]);
    });

    it('a rollback sends no committed signal and leaves nothing for others to see', async () => {
      let id = 0;
      await expect(
        app.dataSource.transaction(async (manager) => {
          id = (await manager.save(recipe('Doomed'))).id;
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(recorder.names).toEqual(['preSave:Recipe', 'postSave:Recipe']);
      expect(await other.recipeTitle(id)).toBeUndefined();
    });

    it('the committed payload is a snapshot: later changes to the entity do not show', async () => {
      await app.dataSource.transaction(async (manager) => {
        const saved = await manager.save(recipe('Original'));
        saved.title = 'Changed after save, never saved';
      });
      expect(recorder.of('postSaveCommitted')[0]!.instance.title).toBe('Original');
    });

    it('a remove and re-insert in one transaction are committed in order', async () => {
      const saved = await recipes.save(recipe('Old'));
      recorder.clear();
      await app.dataSource.transaction(async (manager) => {
        await manager.remove(saved);
        await manager.save(recipe('New'));
      });
      expect(recorder.names.filter((name) => name.includes('Committed'))).toEqual([
        'postDeleteCommitted:Recipe',
        'postSaveCommitted:Recipe',
      ]);
    });
  });

  describe('nested transactions (savepoints)', () => {
    it('an inner rollback drops only the inner writes', async () => {
      await app.dataSource.transaction(async (outer) => {
        await outer.save(recipe('outer-a'));
        await expect(
          outer.transaction(async (inner) => {
            await inner.save(recipe('inner-b'));
            throw new Error('inner abort');
          }),
        ).rejects.toThrow('inner abort');
        await outer.save(recipe('outer-c'));
      });
      expect(recorder.of('postSave').map((e) => e.instance.title)).toEqual(['outer-a', 'inner-b', 'outer-c']);
      expect(recorder.of('postSaveCommitted').map((e) => e.instance.title)).toEqual(['outer-a', 'outer-c']);
      expect(recorder.of('postSaveCommitted').map((e) => e.probed)).toEqual(['outer-a', 'outer-c']);
      expect(await other.countTitled('inner-b')).toBe(0);
    });

    it('a released savepoint merges into its parent and commits with it, in order', async () => {
      let committedAfterRelease = -1;
      await app.dataSource.transaction(async (outer) => {
        await outer.save(recipe('a'));
        await outer.transaction(async (inner) => {
          await inner.save(recipe('b'));
          await inner.transaction(async (innermost) => {
            await innermost.save(recipe('c'));
          });
        });
        committedAfterRelease = recorder.of('postSaveCommitted').length;
        await outer.save(recipe('d'));
      });
      expect(committedAfterRelease).toBe(0);
      const committed = recorder.of('postSaveCommitted');
      expect(committed.map((e) => e.instance.title)).toEqual(['a', 'b', 'c', 'd']);
      expect(committed.map((e) => e.probed)).toEqual(['a', 'b', 'c', 'd']);
    });

    it('an outer rollback drops everything, released savepoints included', async () => {
      const ids: number[] = [];
      await expect(
        app.dataSource.transaction(async (outer) => {
          ids.push((await outer.save(recipe('x'))).id);
          await outer.transaction(async (inner) => {
            ids.push((await inner.save(recipe('y'))).id);
          });
          throw new Error('outer abort');
        }),
      ).rejects.toThrow('outer abort');
      expect(recorder.of('postSaveCommitted')).toEqual([]);
      expect(await Promise.all(ids.map((id) => other.recipeTitle(id)))).toEqual([undefined, undefined]);
    });
  });

  describe('receiver errors inside the write (send semantics)', () => {
    it('a preSave error aborts the insert', async () => {
      const stop = preSave.connect(({ instance }) => {
        if ((instance as Recipe).title === 'forbidden') throw new Error('no forbidden recipes');
      });
      try {
        await expect(recipes.save(recipe('forbidden'))).rejects.toThrow('no forbidden recipes');
        expect(await recipes.countBy({ title: 'forbidden' })).toBe(0);
        expect(recorder.names).toEqual(['preSave:Recipe']);
      } finally {
        stop();
      }
    });

    it('a postSave error rolls the transaction back: no row, no committed signal', async () => {
      const stop = postSave.connect(() => {
        throw new Error('post-save failure');
      });
      try {
        await expect(recipes.save(recipe('rolled back'))).rejects.toThrow('post-save failure');
        expect(await recipes.countBy({ title: 'rolled back' })).toBe(0);
        expect(recorder.of('postSaveCommitted')).toEqual([]);
      } finally {
        stop();
      }
    });
  });
});
