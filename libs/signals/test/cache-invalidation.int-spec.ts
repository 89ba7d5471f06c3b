import { getCacheToken, type CacheService } from '@stash/cache';
import { CacheInvalidationModule, postDeleteCommitted, postSaveCommitted } from '@stash/signals';
import { signalBulkWrite } from '@stash/signals/typeorm';
import type { Repository } from 'typeorm';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '../../../test/support/test-database.js';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';
import { Food, Ingredient, ingredient, Recipe, recipe } from './support/entities.js';
import { LogCapture } from './support/log-capture.js';
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

  it('a signalled bulk write invalidates too (CacheInvalidationModule listens to the committed signals)', async () => {
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

  it('a throwing tags() is logged by sendRobust; the write succeeds', async () => {
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
        expect.stringMatching(/CacheInvalidation\(Recipe\).*"postSaveCommitted".*Recipe.*tags exploded/),
      ]);
    } finally {
      await app.close();
    }
  });

  it('disconnects its receivers when the application closes', async () => {
    const app = await bootSignalsApp(db, { mappings: COOKBOOK_MAPPINGS });
    expect(postSaveCommitted.hasReceivers(Ingredient)).toBe(true);
    expect(postDeleteCommitted.hasReceivers(Food)).toBe(true);
    await app.close();
    expect(postSaveCommitted.hasReceivers()).toBe(false);
    expect(postDeleteCommitted.hasReceivers()).toBe(false);
  });
});
