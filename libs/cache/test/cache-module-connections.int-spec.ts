import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { CACHE_LOGGER, CacheModule, CacheRegistry, type CacheOptions } from '@stash/cache';
import { Redis } from 'ioredis';
import { waitFor } from '../../../test/support/redis-server.js';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';
import { TestingModules, silentLogger } from './support/testing-modules.js';

/** The test server's URL pointing at database `db`. */
function urlWithDb(db: number): string {
  const url = new URL(testRedisUrl());
  url.pathname = `/${db}`;
  return url.toString();
}

/** A connection name no other test (or test file) uses, so CLIENT LIST counts only this test's clients. */
function uniqueConnectionName(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}`;
}

/** The server's clients called `name`, as CLIENT LIST fields. */
async function clientsNamed(admin: Redis, name: string): Promise<Array<Record<string, string>>> {
  const list = (await admin.client('LIST')) as string;
  return list
    .split('\n')
    .filter((line) => line.trim())
    .map((line) =>
      Object.fromEntries(
        line
          .trim()
          .split(' ')
          .map((field) => field.split(/=(.*)/s, 2)),
      ),
    )
    .filter((client) => client.name === name);
}

describe('CacheModule connections', () => {
  let admin: Redis;
  const modules = new TestingModules();
  const ownClients: Redis[] = [];
  const boot = (metadata: Parameters<TestingModules['boot']>[0]) => modules.boot(metadata);
  const close = (moduleRef: Parameters<TestingModules['close']>[0]) => modules.close(moduleRef);

  async function expectNoClientNamed(name: string): Promise<void> {
    await waitFor(async () => (await clientsNamed(admin, name)).length === 0, 2_000, `clients named ${name} remain`);
  }

  beforeAll(() => {
    admin = new Redis(testRedisUrl());
  });

  afterEach(async () => {
    await modules.closeAll();
    await Promise.all(ownClients.splice(0).map((client) => client.quit()));
  });

  afterAll(async () => {
    await admin.quit();
  });

  describe('sharing', () => {
    it('opens one connection for caches that use the same URL', async () => {
      const name = uniqueConnectionName('shared');
      const cache = (): CacheOptions => ({ url: testRedisUrl(), redis: { connectionName: name } });
      const moduleRef = await boot({
        imports: [
          CacheModule.forRoot({
            ...cache(),
            keyPrefix: uniquePrefix('a'),
            caches: {
              b: { ...cache(), keyPrefix: uniquePrefix('b') },
              c: { ...cache(), keyPrefix: uniquePrefix('c') },
            },
          }),
        ],
      });
      const registry = moduleRef.get(CacheRegistry);
      await Promise.all(registry.names().map((cacheName) => registry.get(cacheName).set('k', cacheName)));

      expect(await clientsNamed(admin, name)).toHaveLength(1);
    });

    it('opens a separate connection for another db, selected on that connection', async () => {
      const name = uniqueConnectionName('per-db');
      await boot({
        imports: [
          CacheModule.forRoot({
            url: urlWithDb(0),
            redis: { connectionName: name },
            caches: {
              sameDb: { url: urlWithDb(0), redis: { connectionName: name }, keyPrefix: uniquePrefix('same-db') },
              otherDb: { url: urlWithDb(5), redis: { connectionName: name } },
            },
          }),
        ],
      });

      const clients = await clientsNamed(admin, name);
      expect(clients.map((client) => client.db).sort()).toEqual(['0', '5']);
    });

    it('names the connection after the first cache that uses it (stash:<cache>)', async () => {
      const cacheName = uniqueConnectionName('named');
      await boot({
        imports: [CacheModule.forRoot({ url: urlWithDb(0), caches: { [cacheName]: { url: urlWithDb(4) } } })],
      });

      const clients = await clientsNamed(admin, `stash:${cacheName}`);
      expect(clients).toHaveLength(1);
      expect(clients[0]!.db).toBe('4');
    });
  });

  describe('on shutdown', () => {
    it('closes every connection it opened (module.close)', async () => {
      const name = uniqueConnectionName('closed');
      const moduleRef = await boot({
        imports: [
          CacheModule.forRoot({
            url: urlWithDb(0),
            redis: { connectionName: name },
            caches: { other: { url: urlWithDb(6), redis: { connectionName: name } } },
          }),
        ],
      });
      expect(await clientsNamed(admin, name)).toHaveLength(2);

      await close(moduleRef);
      await expectNoClientNamed(name);
    });

    it('closes its connections when the Nest application closes (app.close)', async () => {
      const name = uniqueConnectionName('app');
      const moduleRef = await Test.createTestingModule({
        imports: [CacheModule.forRoot({ url: testRedisUrl(), redis: { connectionName: name } })],
      })
        .overrideProvider(CACHE_LOGGER)
        .useValue(silentLogger)
        .compile();
      const app = moduleRef.createNestApplication({ logger: false });
      let closed = false;
      try {
        await app.init();
        expect(await clientsNamed(admin, name)).toHaveLength(1);

        await app.close();
        closed = true;
        await expectNoClientNamed(name);
      } finally {
        if (!closed) await app.close();
      }
    });

    it('leaves open a client passed in with client:', async () => {
      const opensName = uniqueConnectionName('opened');
      const ownName = uniqueConnectionName('own');
      const own = new Redis(testRedisUrl(), { connectionName: ownName });
      ownClients.push(own);
      const moduleRef = await boot({
        imports: [
          CacheModule.forRoot({
            url: testRedisUrl(),
            redis: { connectionName: opensName },
            caches: { mine: { client: own, keyPrefix: uniquePrefix('mine') } },
          }),
        ],
      });
      const mine = moduleRef.get(CacheRegistry).get('mine');
      await mine.set('k', 'v');
      expect(await mine.get('k')).toBe('v');
      await mine.delete('k');

      await close(moduleRef);
      await expectNoClientNamed(opensName);
      expect(own.status).toBe('ready');
      expect(await own.ping()).toBe('PONG');
      expect(await clientsNamed(admin, ownName)).toHaveLength(1);
    });
  });

  describe('CacheService.client (raw Redis)', () => {
    it('is the connection the cache uses: shared per server, on its db, with its settings; none off Redis', async () => {
      const name = uniqueConnectionName('raw');
      const keyPrefix = uniquePrefix('raw');
      const redis = { url: urlWithDb(0), redis: { connectionName: name }, commandTimeout: 300 };
      const moduleRef = await boot({
        imports: [
          CacheModule.forRoot({
            ...redis,
            keyPrefix,
            caches: {
              same: { ...redis, keyPrefix: uniquePrefix('raw-same') },
              otherDb: { ...redis, url: urlWithDb(7) },
              memory: { store: 'memory' },
              dummy: { store: 'dummy' },
            },
          }),
        ],
      });
      const registry = moduleRef.get(CacheRegistry);
      const cache = registry.get('default');
      const client = cache.client!;

      expect(client).toBeInstanceOf(Redis);
      expect(registry.get('same').client).toBe(client);
      expect(registry.get('otherDb').client).not.toBe(client);
      expect(registry.get('memory').client).toBeUndefined();
      expect(registry.get('dummy').client).toBeUndefined();
      // Ten times the cache's commandTimeout: a safety net for raw commands; the store times its own.
      expect(client.options).toMatchObject({ commandTimeout: 3_000, enableOfflineQueue: false });
      expect(await client.client('GETNAME')).toBe(name);
      // Raw commands bypass the key layout: the cache's keys are seen as stored.
      await cache.set('k', 'v');
      expect(await client.exists(`${keyPrefix}:1:k`)).toBe(1);
      await cache.delete('k');

      // Closed with the cache: the client is the cache's, not the caller's.
      await close(moduleRef);
      await waitFor(() => client.status === 'end', 2_000, 'the raw client was not closed with the cache');
    });

    it('is the client passed in with client:', async () => {
      const own = new Redis(testRedisUrl());
      ownClients.push(own);
      const moduleRef = await boot({ imports: [CacheModule.forRoot({ client: own, keyPrefix: uniquePrefix('own') })] });
      expect(moduleRef.get(CacheRegistry).get('default').client).toBe(own);
    });
  });

  describe('a URL with a db number', () => {
    it('writes into that database', async () => {
      const keyPrefix = uniquePrefix('db3');
      const moduleRef = await boot({ imports: [CacheModule.forRoot({ url: urlWithDb(3), keyPrefix })] });
      const cache = moduleRef.get(CacheRegistry).get('default');
      const db3 = new Redis(urlWithDb(3));
      const db0 = new Redis(urlWithDb(0));
      ownClients.push(db3, db0);

      await cache.set('recipe:1', 'soup');
      expect(await db3.exists(`${keyPrefix}:1:recipe:1`)).toBe(1);
      expect(await db0.exists(`${keyPrefix}:1:recipe:1`)).toBe(0);
      await cache.delete('recipe:1');
      expect(await db3.exists(`${keyPrefix}:1:recipe:1`)).toBe(0);
    });
  });
});
