import { Redis } from 'ioredis';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { RedisServerProcess, waitFor } from './support/redis-server.js';

type Store = 'redis' | 'memory' | 'dummy';

/** The names of the clients connected to `redis` (CLIENT LIST), one entry per connection. */
async function clientNames(redis: Redis): Promise<string[]> {
  const list = (await redis.client('LIST')) as string;
  return list
    .split('\n')
    .filter(Boolean)
    .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '');
}

// The view counts use the default cache's Redis client when that cache is on Redis (CacheService.client), and the
// rate-limit cache's client otherwise (it is always on Redis). A private redis-server, so that CLIENT LIST sees this
// app's clients only. The database is not what is under test here: SQLite only.
describe.each<[Store, string]>([
  ['redis', 'stash:default'],
  ['memory', 'stash:rate-limit'],
  ['dummy', 'stash:rate-limit'],
])('cookbook view counts with CACHE_STORE=%s', (store, countingClient) => {
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

  it(`opens no connection of its own: the counts ride on ${countingClient}`, async () => {
    const app = await start();
    const before = (await clientNames(admin)).sort();
    expect(before).toContain(countingClient);
    await app.http().get('/cookbook/recipes/3').expect(200);
    expect((await clientNames(admin)).sort()).toEqual(before);

    await app.close();
    cookbook = undefined;
    await waitFor(
      async () => !(await clientNames(admin)).some((name) => name.startsWith('stash:')),
      2_000,
      'a cache connection left open',
    );
  });
});
