import { performance } from 'node:perf_hooks';
import { createCache, type CacheService } from '@stash/cache';
import { postSaveCommitted } from '@stash/signals';
import type { Repository } from 'typeorm';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '../../../test/support/test-database.js';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';
import { Recipe, recipe } from './support/entities.js';
import { bootSignalsApp, COOKBOOK_MAPPINGS, type SignalsTestApp } from './support/signals-test-app.js';

const WRITES = 40;
const READERS = 16;
const quiet = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

interface Read {
  readonly startedAt: number;
  readonly version: number;
  readonly ranLoader: boolean;
}

// Workload jitter, not synchronisation: it widens the window between a loader's read and its cache write.
function jitter(maxMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * maxMs));
}

/**
 * The stale-set race: a reader loads version n from the database, a writer commits n + 1 and invalidates, and the
 * reader then stores n. With tags taken before the loader and invalidation awaited inside the commit, no read that
 * starts after a save() returned may see an older version, in this process or another one sharing Redis.
 */
describe.each(TEST_DATABASE_KINDS)('the stale-set race on %s', (kind) => {
  let db: TestDatabase;
  let app: SignalsTestApp;
  let otherProcess: CacheService;
  let recipes: Repository<Recipe>;

  let disconnectSlowReceiver: () => void;

  beforeAll(async () => {
    // Other after-commit work (search indexing, mail) that takes a few ms: it runs after the invalidation, and
    // must not open a window for stale reads either.
    disconnectSlowReceiver = postSaveCommitted.connect(() => jitter(5), { name: 'slowReceiver' });
    db = await createTestDatabase(kind, 'race');
    const keyPrefix = uniquePrefix('race');
    app = await bootSignalsApp(db, { mappings: COOKBOOK_MAPPINGS, cache: { keyPrefix } });
    // A second cache on the same Redis and prefix: another process of the same app.
    otherProcess = createCache({ url: testRedisUrl(), keyPrefix }, quiet);
    await otherProcess.ready();
    recipes = app.dataSource.getRepository(Recipe);
  });

  afterAll(async () => {
    disconnectSlowReceiver?.();
    await otherProcess?.close();
    await app?.close();
    await db?.drop();
  });

  it('no read that started after a save returned sees an older version', async () => {
    const row = await recipes.save(recipe('Raced'));
    const key = `recipe:${row.id}:version`;
    const tags = [`recipe:${row.id}`];
    // Control: the same reads under a tag nothing invalidates must observe stale versions, or the test proves nothing.
    const controlKey = `recipe:${row.id}:control`;
    const controlTags = ['never-invalidated'];

    const returned: { version: number; at: number }[] = [{ version: row.version, at: performance.now() }];
    const reads: Read[] = [];
    const controlReads: Read[] = [];
    let writing = true;

    const load = async (): Promise<number> => {
      await jitter(4);
      const current = await recipes.findOneByOrFail({ id: row.id });
      await jitter(4);
      return current.version;
    };

    async function reader(cache: CacheService, cacheKey: string, cacheTags: string[], out: Read[]): Promise<void> {
      while (writing) {
        const startedAt = performance.now();
        let ranLoader = false;
        const version = await cache.getOrSet(
          cacheKey,
          () => {
            ranLoader = true;
            return load();
          },
          { tags: cacheTags, ttl: 60 },
        );
        out.push({ startedAt, version, ranLoader });
        await jitter(2);
      }
    }

    async function writer(): Promise<void> {
      try {
        const last = row.version + WRITES;
        for (let version = row.version + 1; version <= last; version++) {
          row.version = version;
          // Half the writes through repository.save (its own transaction), half inside dataSource.transaction.
          if (version % 2) await recipes.save(row);
          else await app.dataSource.transaction((manager) => manager.save(row));
          returned.push({ version, at: performance.now() });
          await jitter(20);
        }
      } finally {
        writing = false;
      }
    }

    const caches = [app.cache, otherProcess];
    await Promise.all([
      writer(),
      ...Array.from({ length: READERS }, (_, i) => reader(caches[i % 2]!, key, tags, reads)),
      ...Array.from({ length: 4 }, (_, i) => reader(caches[i % 2]!, controlKey, controlTags, controlReads)),
    ]);

    const newestReturnedBefore = (at: number) =>
      returned.reduce((newest, write) => (write.at < at && write.version > newest ? write.version : newest), 0);
    const stale = (list: Read[]) => list.filter((read) => read.version < newestReturnedBefore(read.startedAt));

    expect(returned).toHaveLength(WRITES + 1);
    expect(reads.length).toBeGreaterThan(WRITES / 2);
    // Reads served from the cache (not by their own loader) exist, so the cache was really in the way.
    expect(reads.filter((read) => !read.ranLoader).length).toBeGreaterThan(0);
    expect(stale(reads)).toEqual([]);
    expect(stale(controlReads).length).toBeGreaterThan(0);
  });
});
