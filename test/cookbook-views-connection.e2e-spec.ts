import { Redis } from 'ioredis';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { RedisServerProcess, waitFor } from './support/redis-server.js';

type Store = 'redis' | 'memory' | 'dummy';

/** How many clients of `redis` are named `name` (CLIENT LIST). */
async function clientsNamed(redis: Redis, name: string): Promise<number> {
  const list = (await redis.client('LIST')) as string;
  return list.split('\n').filter((line) => line.split(' ').includes(`name=${name}`)).length;
}

// The view counts use the cache's own Redis client when the cache is on Redis (CacheService.client), and a
// connection of their own otherwise. A private redis-server, so that CLIENT LIST sees this app's clients only. The
// database is not what is under test here: SQLite only.
describe.each<[Store, number]>([
  ['redis', 0],
  ['memory', 1],
  ['dummy', 1],
])('cookbook view counts with CACHE_STORE=%s', (store, ownConnections) => {
  let server: RedisServerProcess;
  let admin: Redis;
  let cookbook: CookbookTestApp | undefined;

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    admin = new Redis(server.url);
  });

  afterEach(async () => {
    await cookbook?.close();
    cookbook = undefined;
  });

  afterAll(async () => {
    await admin?.quit();
    await server?.stop();
  });

  async function start(): Promise<CookbookTestApp> {
    cookbook = await startCookbook('sqlite', `views-${store}`, { REDIS_URL: server.url, CACHE_STORE: store });
    return cookbook;
  }

  it('counts the views of recipe pages, and lists them in /api/popular', async () => {
    const app = await start();
    for (let i = 0; i < 3; i++) await app.http().get('/cookbook/recipes/3').expect(200);
    await app.http().get('/cookbook/recipes/4').expect(200);

    const popular = (await app.http().get('/api/popular').expect(200)).body as { id: number; views: number }[];
    expect(popular.slice(0, 2).map(({ id, views }) => ({ id, views }))).toEqual([
      { id: 3, views: 3 },
      { id: 4, views: 1 },
    ]);
  });

  it(`opens ${ownConnections} connection(s) of its own for them, and closes it at shutdown`, async () => {
    const app = await start();
    await app.http().get('/cookbook/recipes/3').expect(200);
    expect(await clientsNamed(admin, 'cookbook:views')).toBe(ownConnections);
    if (store === 'redis') expect(await clientsNamed(admin, 'stash:default')).toBe(1);

    await app.close();
    cookbook = undefined;
    await waitFor(async () => (await clientsNamed(admin, 'cookbook:views')) === 0, 2_000, 'views connection left open');
  });
});
