import { getCacheToken, type CacheService } from '@stash/cache';
import { CacheInvalidationModule, postSaveCommitted } from '@stash/signals';
import { signalBulkWrite } from '@stash/signals/typeorm';
import type { Repository } from 'typeorm';
import { invalidationRules } from '../src/invalidation/invalidation-rules.js';
import { RedisServerProcess } from '../../../test/support/redis-server.js';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '../../../test/support/test-database.js';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';
import { Food, Ingredient, ingredient, Recipe, recipe } from './support/entities.js';
import { LogCapture } from './support/log-capture.js';
import { withClient } from './support/redis-writes.js';
import { bootSignalsApp, COOKBOOK_MAPPINGS, type SignalsTestApp } from './support/signals-test-app.js';

/** A cached read through getOrSet that records whether its loader ran (a miss) and returns the loaded value. */
async function read(
  cache: CacheService,
  key: string,
  tags: string[],
  value: string,
): Promise<{ hit: boolean; value: string }> {
  let loaded = false;
  const result = await cache.getOrSet(
    key,
    () => {
      loaded = true;
      return value;
    },
    { tags, ttl: 60 },
  );
  return { hit: !loaded, value: result };
}

describe.each(TEST_DATABASE_KINDS)('CacheInvalidationModule on %s', (kind) => {
  let db: TestDatabase;
  let app: SignalsTestApp;
  let cache: CacheService;
  let recipes: Repository<Recipe>;
  let ingredients: Repository<Ingredient>;

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'invalidation');
    app = await bootSignalsApp(db, { mappings: COOKBOOK_MAPPINGS });
    cache = app.cache;
    recipes = app.dataSource.getRepository(Recipe);
    ingredients = app.dataSource.getRepository(Ingredient);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('a committed save invalidates the saved recipe’s tags by the time save() resolves, and no others', async () => {
    const soup = await recipes.save(recipe('Soup'));
    const tea = await recipes.save(recipe('Tea'));
    await read(cache, `page:${soup.id}`, [`recipe:${soup.id}`], 'Soup');
    await read(cache, `page:${tea.id}`, [`recipe:${tea.id}`], 'Tea');
    soup.title = 'Soup II';
    await recipes.save(soup);
    expect(await read(cache, `page:${soup.id}`, [`recipe:${soup.id}`], 'Soup II')).toEqual({
      hit: false,
      value: 'Soup II',
    });
    expect(await read(cache, `page:${tea.id}`, [`recipe:${tea.id}`], 'unused')).toEqual({ hit: true, value: 'Tea' });
  });

  it('invalidates before the committed receivers run, so that they see the committed state', async () => {
    const row = await recipes.save(recipe('Early'));
    const key = `early:${row.id}`;
    await read(cache, key, [`recipe:${row.id}`], 'Early');
    let seen: { hit: boolean; value: string } | undefined;
    const stop = postSaveCommitted.connect(
      async () => void (seen = await read(cache, key, [`recipe:${row.id}`], 'Early II')),
      { sender: Recipe },
    );
    try {
      row.title = 'Early II';
      await recipes.save(row);
    } finally {
      stop();
    }
    expect(seen).toEqual({ hit: false, value: 'Early II' });
  });

  it('inside a transaction the entry stays valid until the commit, then misses', async () => {
    const pie = await recipes.save(recipe('Pie'));
    const key = `page:${pie.id}`;
    await read(cache, key, [`recipe:${pie.id}`], 'Pie');
    let insideHit: boolean | undefined;
    await app.dataSource.transaction(async (manager) => {
      pie.title = 'Pie II';
      await manager.save(pie);
      insideHit = (await read(cache, key, [`recipe:${pie.id}`], 'unused')).hit;
    });
    expect(insideHit).toBe(true);
    expect((await read(cache, key, [`recipe:${pie.id}`], 'Pie II')).hit).toBe(false);
  });

  it('a rolled back write invalidates nothing', async () => {
    const cake = await recipes.save(recipe('Cake'));
    const key = `page:${cake.id}`;
    await read(cache, key, [`recipe:${cake.id}`, 'recipes'], 'Cake');
    await expect(
      app.dataSource.transaction(async (manager) => {
        cake.title = 'Cake II';
        await manager.save(cake);
        await manager.save(Object.assign(new Food(), { name: 'Sugar' }));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await read(cache, key, [`recipe:${cake.id}`, 'recipes'], 'unused')).toEqual({ hit: true, value: 'Cake' });
  });

  it('an ingredient moved to another recipe invalidates both recipes (the previous row counts)', async () => {
    const [a, b, c] = await recipes.save([recipe('A'), recipe('B'), recipe('C')]);
    const salt = await ingredients.save(ingredient('salt', a!.id));
    for (const r of [a!, b!, c!]) await read(cache, `page:${r.id}`, [`recipe:${r.id}`], r.title);
    salt.recipeId = b!.id;
    await ingredients.save(salt);
    expect((await read(cache, `page:${a!.id}`, [`recipe:${a!.id}`], 'A')).hit).toBe(false);
    expect((await read(cache, `page:${b!.id}`, [`recipe:${b!.id}`], 'B')).hit).toBe(false);
    expect((await read(cache, `page:${c!.id}`, [`recipe:${c!.id}`], 'C')).hit).toBe(true);
  });

  it('a delete invalidates the tags of the deleted row', async () => {
    const bread = await recipes.save(recipe('Bread'));
    const flour = await ingredients.save(ingredient('flour', bread.id));
    await read(cache, `page:${bread.id}`, [`recipe:${bread.id}`], 'Bread');
    await ingredients.remove(flour);
    expect((await read(cache, `page:${bread.id}`, [`recipe:${bread.id}`], 'Bread')).hit).toBe(false);
  });

  it('a food rename invalidates every recipe page ("recipes")', async () => {
    const food = await app.dataSource.getRepository(Food).save(Object.assign(new Food(), { name: 'Basil' }));
    await read(cache, 'recipe-list', ['recipes'], 'list v1');
    food.name = 'Thai basil';
    await app.dataSource.getRepository(Food).save(food);
    expect(await read(cache, 'recipe-list', ['recipes'], 'list v2')).toEqual({ hit: false, value: 'list v2' });
  });

  it('a signalled bulk write invalidates too (signalBulkWrite plans it like a save)', async () => {
    const stew = await recipes.save(recipe('Stew'));
    await read(cache, `page:${stew.id}`, [`recipe:${stew.id}`], 'Stew');
    await app.dataSource.transaction(async (manager) => {
      await manager.update(Recipe, { id: stew.id }, { title: 'Stew II' });
      const rows = await manager.findBy(Recipe, { id: stew.id });
      await signalBulkWrite(manager, { sender: Recipe, action: 'save', instances: rows });
    });
    expect((await read(cache, `page:${stew.id}`, [`recipe:${stew.id}`], 'Stew II')).hit).toBe(false);
  });
});

describe('CacheInvalidationModule options and lifecycle (sqlite)', () => {
  let db: TestDatabase;
  let logs: LogCapture;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'invalidation_options');
  });

  afterAll(async () => {
    await db?.drop();
  });

  beforeEach(() => {
    logs = new LogCapture();
  });

  afterEach(() => logs.restore());

  it('invalidates the named cache given in options, not the default one', async () => {
    const named = await bootSignalsApp(db, {
      cache: { caches: { pages: { url: testRedisUrl(), keyPrefix: uniquePrefix('pages') } } },
      imports: [
        CacheInvalidationModule.forFeature([{ entity: Recipe, tags: (r) => [`recipe:${r.id}`] }], { cache: 'pages' }),
      ],
    });
    try {
      const pages = named.moduleRef.get<CacheService>(getCacheToken('pages'));
      const saved = await named.dataSource.getRepository(Recipe).save(recipe('Named'));
      await read(pages, 'page', [`recipe:${saved.id}`], 'v1');
      await read(named.cache, 'page', [`recipe:${saved.id}`], 'v1');
      saved.title = 'Named II';
      await named.dataSource.getRepository(Recipe).save(saved);
      expect((await read(pages, 'page', [`recipe:${saved.id}`], 'v2')).hit).toBe(false);
      expect((await read(named.cache, 'page', [`recipe:${saved.id}`], 'v2')).hit).toBe(true);
    } finally {
      await named.close();
    }
  });

  it('a throwing tags() is logged, naming the mapping; the write succeeds', async () => {
    const app = await bootSignalsApp(db, {
      imports: [
        CacheInvalidationModule.forFeature([
          {
            entity: Recipe,
            tags: () => {
              throw new Error('tags exploded');
            },
          },
        ]),
      ],
    });
    try {
      const saved = await app.dataSource.getRepository(Recipe).save(recipe('Explosive'));
      expect(saved.id).toBeDefined();
      expect(logs.errors()).toEqual([
        expect.stringMatching(/CacheInvalidation\(Recipe\): tags\(\) failed for a saved Recipe: tags exploded/),
      ]);
    } finally {
      await app.close();
    }
  });

  it('removes its mappings when the application closes', async () => {
    const app = await bootSignalsApp(db, { mappings: COOKBOOK_MAPPINGS });
    expect(invalidationRules.has(Ingredient)).toBe(true);
    expect(invalidationRules.has(Food)).toBe(true);
    await app.close();
    expect(invalidationRules.has()).toBe(false);
  });
});

describe.each(TEST_DATABASE_KINDS)('one commit, one invalidation per cache, on %s', (kind) => {
  let server: RedisServerProcess;
  let db: TestDatabase;
  let app: SignalsTestApp;

  beforeAll(async () => {
    // A private server: its command statistics count this test's DELs only.
    server = await RedisServerProcess.start();
    db = await createTestDatabase(kind, 'batching');
    app = await bootSignalsApp(db, {
      mappings: COOKBOOK_MAPPINGS,
      cache: { url: server.url, keyPrefix: uniquePrefix('batch') },
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await server?.stop();
  });

  const dels = () =>
    withClient(server, async (client) => {
      const stats = await client.info('commandstats');
      return Number(/cmdstat_del:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    });

  it('sends one DEL for a transaction that wrote five rows of three entities, and invalidates all their tags', async () => {
    const [a, b] = await app.dataSource.getRepository(Recipe).save([recipe('A'), recipe('B')]);
    await read(app.cache, 'a', [`recipe:${a!.id}`], 'A');
    await read(app.cache, 'b', [`recipe:${b!.id}`], 'B');
    await read(app.cache, 'list', ['recipes'], 'list');
    const before = await dels();
    await app.dataSource.transaction(async (manager) => {
      a!.title = 'A2';
      await manager.save(a!);
      await manager.save([ingredient('salt', b!.id), ingredient('leek', b!.id)]);
      await manager.save(Object.assign(new Food(), { name: 'Leek' }));
      await manager.save(recipe('C'));
    });
    expect((await dels()) - before).toBe(1);
    expect((await read(app.cache, 'a', [`recipe:${a!.id}`], 'A2')).hit).toBe(false);
    expect((await read(app.cache, 'b', [`recipe:${b!.id}`], 'B')).hit).toBe(false);
    expect((await read(app.cache, 'list', ['recipes'], 'list 2')).hit).toBe(false);
  });
});
