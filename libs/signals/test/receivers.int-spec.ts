import { Injectable, Scope } from '@nestjs/common';
import {
  postDeleteCommitted,
  postSave,
  postSaveCommitted,
  Receiver,
  Signal,
  type EntityDeletePayload,
  type EntitySavePayload,
} from '@stash/signals';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '../../../test/support/test-database.js';
import { Food, Recipe, recipe } from './support/entities.js';
import { LogCapture } from './support/log-capture.js';
import { bootSignalsApp, type SignalsTestApp } from './support/signals-test-app.js';

const recipePublished = new Signal<{ sender: typeof Recipe; title: string }>('recipePublished');

@Injectable()
class RecipeAudit {
  readonly seen: string[] = [];

  @Receiver(postSaveCommitted, { sender: Recipe })
  recipeSaved({ instance, created }: EntitySavePayload<Recipe>): void {
    this.seen.push(`${created ? 'created' : 'updated'}:${instance.title}`);
  }

  @Receiver(postDeleteCommitted, { sender: Recipe })
  @Receiver(postSaveCommitted, { sender: Food })
  somethingElse(payload: EntitySavePayload<Food> | EntityDeletePayload<Recipe>): void {
    this.seen.push(`${'created' in payload ? 'food' : 'deleted'}:${payload.instance.id}`);
  }

  @Receiver(recipePublished, { dispatchUid: 'publish-audit' })
  async published({ title }: { title: string }): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve));
    this.seen.push(`published:${title}`);
    return 'audited';
  }
}

// Same dispatchUid as RecipeAudit.published: connected once per process, so this one is never called.
@Injectable()
class DuplicateAudit {
  calls = 0;

  @Receiver(recipePublished, { dispatchUid: 'publish-audit' })
  published(): void {
    this.calls++;
  }
}

@Injectable()
class FailingReceivers {
  @Receiver(postSaveCommitted, { sender: Food })
  foodSaved(): void {
    throw new Error('committed receiver failed');
  }

  @Receiver(recipePublished)
  publishFails(): void {
    throw new Error('publish receiver failed');
  }
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedReceiver {
  @Receiver(postSave)
  neverConnected(): void {}
}

@Injectable({ scope: Scope.TRANSIENT })
class TransientReceiver {
  @Receiver(postSave)
  neverConnected(): void {}
}

const PROVIDERS = [RecipeAudit, DuplicateAudit, FailingReceivers, RequestScopedReceiver, TransientReceiver];

describe.each(TEST_DATABASE_KINDS)('@Receiver methods on %s', (kind) => {
  let db: TestDatabase;
  let app: SignalsTestApp;
  let logs: LogCapture;

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'receivers');
  });

  afterAll(async () => {
    await db?.drop();
  });

  beforeEach(async () => {
    logs = new LogCapture();
    app = await bootSignalsApp(db, { withoutCache: true, providers: PROVIDERS });
  });

  afterEach(async () => {
    await app?.close();
    logs.restore();
  });

  it('are connected at bootstrap, bound to their instance, with sender filters', async () => {
    const audit = app.moduleRef.get(RecipeAudit);
    const saved = await app.dataSource.getRepository(Recipe).save(recipe('Soup'));
    saved.title = 'Soup II';
    await app.dataSource.getRepository(Recipe).save(saved);
    const id = saved.id;
    await app.dataSource.getRepository(Recipe).remove(saved);
    const food = await app.dataSource.getRepository(Food).save(Object.assign(new Food(), { name: 'Salt' }));
    expect(audit.seen).toEqual(['created:Soup', 'updated:Soup II', `deleted:${id}`, `food:${food.id}`]);
  });

  it('a committed receiver error is logged with signal, sender and receiver; the save still resolves', async () => {
    const food = await app.dataSource.getRepository(Food).save(Object.assign(new Food(), { name: 'Pepper' }));
    expect(food.id).toBeDefined();
    const messages = logs.errors();
    expect(messages).toEqual([
      expect.stringMatching(/FailingReceivers\.foodSaved.*"postSaveCommitted".*Food.*committed receiver failed/),
    ]);
  });

  it('a dispatchUid connects one receiver per process; send awaits async receivers and propagates errors', async () => {
    const audit = app.moduleRef.get(RecipeAudit);
    const duplicate = app.moduleRef.get(DuplicateAudit);
    await expect(recipePublished.send({ sender: Recipe, title: 'Pie' })).rejects.toThrow('publish receiver failed');
    expect(audit.seen).toEqual(['published:Pie']);
    expect(duplicate.calls).toBe(0);
  });

  it('sendRobust reports each receiver by Class.method and logs the failure', async () => {
    const results = await recipePublished.sendRobust({ sender: Recipe, title: 'Cake' });
    expect(results).toEqual([
      { receiver: 'RecipeAudit.published', value: 'audited' },
      {
        receiver: 'FailingReceivers.publishFails',
        error: expect.objectContaining({ message: 'publish receiver failed' }),
      },
    ]);
    expect(logs.errors()[0]).toMatch(/FailingReceivers\.publishFails.*"recipePublished".*Recipe/);
  });

  it('request-scoped and transient providers are skipped with a warning naming their receivers', () => {
    const messages = logs.warnings();
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/RequestScopedReceiver\.neverConnected.*request-scoped/),
        expect.stringMatching(/TransientReceiver\.neverConnected.*transient/),
      ]),
    );
    expect(postSave.hasReceivers(Recipe)).toBe(false);
  });

  it('are disconnected when the application closes', async () => {
    const audit = app.moduleRef.get(RecipeAudit);
    expect(postSaveCommitted.hasReceivers(Recipe)).toBe(true);
    await app.close();
    expect(postSaveCommitted.hasReceivers()).toBe(false);
    expect(postDeleteCommitted.hasReceivers()).toBe(false);
    expect(recipePublished.hasReceivers()).toBe(false);
    await postSaveCommitted.send({ sender: Recipe, instance: recipe('after close'), created: true });
    expect(audit.seen).toEqual([]);
  });
});
