import { jest } from '@jest/globals';
import {
  CacheArgumentError,
  CacheConfigError,
  CacheKeyError,
  type CacheService,
  CacheThrottlerStorage,
  CacheUnavailableError,
  createCache,
  type CacheOptions,
} from '@stash/cache';
import { Redis } from 'ioredis';
import request from 'supertest';
import { RedisServerProcess } from '../../../test/support/redis-server.js';
import { redisServerPerTest } from './support/redis-server-per-test.js';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';
import { NodeBuild, type NodeApp } from './support/node-build.js';

const silentLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };
const MINUTE_MS = 60_000;

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const APP_ENTRY = 'libs/cache/test/support/throttled-app.main.ts';

// Each app runs in its own Node process (see node-build.ts): two processes of one app sharing the limit.
describe('CacheThrottlerStorage behind ThrottlerGuard, in two app processes', () => {
  let build: NodeBuild;
  let apps: NodeApp[] = [];

  beforeAll(async () => {
    build = await NodeBuild.create([APP_ENTRY]);
  });

  async function startApps(env: Record<string, string>, count = 2): Promise<void> {
    apps = await Promise.all(Array.from({ length: count }, () => build.start(APP_ENTRY, env)));
  }

  afterEach(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    apps = [];
  });

  const get = (instance: number, path: string) => request(apps[instance]!.url).get(path);

  it('answers 429 with Retry-After past the limit, counting requests to both processes', async () => {
    await startApps({ REDIS_URL: testRedisUrl(), KEY_PREFIX: uniquePrefix('throttle-app') });
    const first = await get(0, '/limited').expect(200);
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '3',
      'x-ratelimit-remaining': '2',
      'x-ratelimit-reset': '60',
    });
    expect((await get(1, '/limited').expect(200)).headers['x-ratelimit-remaining']).toBe('1');
    expect((await get(0, '/limited').expect(200)).headers['x-ratelimit-remaining']).toBe('0');

    const refused = await get(1, '/limited').expect(429);
    expect(refused.headers['retry-after']).toBe('60');
    const again = await get(0, '/limited').expect(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThanOrEqual(59);
  });

  it('lets requests through again once the block (blockDuration, ms) ends', async () => {
    await startApps({ REDIS_URL: testRedisUrl(), KEY_PREFIX: uniquePrefix('throttle-app') });
    await get(0, '/short').expect(200);
    const refused = await get(1, '/short').expect(429);
    expect(refused.headers['retry-after']).toBe('1');
    const started = Date.now();
    await waitUntil(async () => (await get(0, '/short')).status === 200, 3_000, 'the block never ended');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  describe('when Redis is down', () => {
    let server: RedisServerProcess;

    beforeEach(async () => {
      server = await RedisServerProcess.start();
    });

    afterEach(async () => {
      await server.stop();
    });

    it.each<[string, string, number]>([
      ['refuses with CacheUnavailableError (503 through the app filter) by default', 'false', 503],
      ['lets requests through with failOpen', 'true', 200],
    ])('%s', async (_, failOpen, status) => {
      await startApps({ REDIS_URL: server.url, KEY_PREFIX: uniquePrefix('throttle-down'), FAIL_OPEN: failOpen }, 1);
      await get(0, '/limited').expect(200);
      await server.signal('SIGKILL');
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await get(0, '/limited').expect(status);
        expect(performance.now() - started).toBeLessThan(1_000);
      }
    });
  });
});

describe.each<['redis' | 'memory' | 'dummy']>([['redis'], ['memory'], ['dummy']])(
  'CacheThrottlerStorage on the %s store',
  (store) => {
    const caches: CacheService[] = [];

    function cache(keyPrefix = uniquePrefix('throttle')): CacheService {
      const options: CacheOptions = store === 'redis' ? { url: testRedisUrl(), keyPrefix } : { store, keyPrefix };
      const created = createCache(options, silentLogger);
      caches.push(created);
      return created;
    }

    async function storage(options?: ConstructorParameters<typeof CacheThrottlerStorage>[1]) {
      const created = cache();
      await created.ready();
      return new CacheThrottlerStorage(created, options);
    }

    afterEach(async () => {
      await Promise.all(caches.splice(0).map((created) => created.close()));
    });

    it('counts hits in a window, in the units ThrottlerGuard expects (ttl in ms, timeTo* in seconds)', async () => {
      const limiter = await storage();
      const hits = [];
      for (let i = 0; i < 3; i++) hits.push(await limiter.increment('k', 90_000, 3, 30_000, 'default'));
      expect(hits.map(({ totalHits }) => totalHits)).toEqual([1, 2, 3]);
      for (const record of hits) {
        expect(record).toMatchObject({ isBlocked: false, timeToBlockExpire: 0 });
        expect(record.timeToExpire).toBe(90);
      }
    });

    it('blocks past the limit for blockDuration, without counting blocked hits, then starts a new window', async () => {
      const limiter = await storage();
      await limiter.increment('k', MINUTE_MS, 1, 300, 'default');
      const blocked = await limiter.increment('k', MINUTE_MS, 1, 300, 'default');
      expect(blocked).toEqual({ totalHits: 2, timeToExpire: 1, isBlocked: true, timeToBlockExpire: 1 });
      expect(await limiter.increment('k', MINUTE_MS, 1, 300, 'default')).toMatchObject({
        totalHits: 2,
        isBlocked: true,
      });
      await waitUntil(
        async () => !(await limiter.increment('k', MINUTE_MS, 1, 300, 'default')).isBlocked,
        3_000,
        'the block never ended',
      );
      expect(await limiter.increment('k', MINUTE_MS, 1, 300, 'default')).toMatchObject({
        totalHits: 2,
        isBlocked: true,
      });
    });

    it('with blockDuration 0, refuses until the window ends', async () => {
      const limiter = await storage();
      await limiter.increment('k', 500, 1, 0, 'default');
      const refused = await limiter.increment('k', 500, 1, 0, 'default');
      expect(refused).toMatchObject({ totalHits: 2, isBlocked: true, timeToBlockExpire: 1 });
      await waitUntil(
        async () => (await limiter.increment('k', 500, 1, 0, 'default')).totalHits === 1,
        3_000,
        'the window never ended',
      );
    });

    it('keeps throttlers and keys apart', async () => {
      const limiter = await storage();
      await limiter.increment('k', MINUTE_MS, 10, MINUTE_MS, 'default');
      await limiter.increment('k', MINUTE_MS, 10, MINUTE_MS, 'default');
      expect((await limiter.increment('k', MINUTE_MS, 10, MINUTE_MS, 'burst')).totalHits).toBe(1);
      expect((await limiter.increment('other', MINUTE_MS, 10, MINUTE_MS, 'default')).totalHits).toBe(1);
      expect((await limiter.increment('k', MINUTE_MS, 10, MINUTE_MS, 'default')).totalHits).toBe(3);
    });

    it('is atomic: 200 concurrent increments count exactly 200, with one request past the limit per hit', async () => {
      const limiter = await storage();
      const records = await Promise.all(
        Array.from({ length: 200 }, () => limiter.increment('k', MINUTE_MS, 150, MINUTE_MS, 'default')),
      );
      const counted = records.filter((record) => !record.isBlocked).map((record) => record.totalHits);
      expect(counted.sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
      expect(records.filter((record) => record.isBlocked)).toHaveLength(50);
    });

    it('rejects bad arguments and options', async () => {
      const limiter = await storage();
      await expect(limiter.increment('k', 0, 1, 0, 'default')).rejects.toBeInstanceOf(CacheArgumentError);
      await expect(limiter.increment('k', 1000, -1, 0, 'default')).rejects.toBeInstanceOf(CacheArgumentError);
      await expect(limiter.increment('k', 1000, 1, -5, 'default')).rejects.toBeInstanceOf(CacheArgumentError);
      await expect(limiter.increment('', 1000, 1, 0, 'default')).rejects.toBeInstanceOf(CacheKeyError);
      await expect(limiter.increment('k', 1000, 1, 0, '')).rejects.toBeInstanceOf(CacheKeyError);
      expect(() => new CacheThrottlerStorage(cache(), { failOpen: 'yes' as unknown as boolean })).toThrow(
        CacheConfigError,
      );
      expect(() => new CacheThrottlerStorage(cache(), { failOpn: true } as never)).toThrow(/throttler\.failOpn/);
    });

    if (store === 'redis') {
      it('shares one limit between two caches on separate connections (two app instances)', async () => {
        const prefix = uniquePrefix('throttle-shared');
        const [a, b] = [cache(prefix), cache(prefix)];
        await Promise.all([a.ready(), b.ready()]);
        const [one, two] = [new CacheThrottlerStorage(a), new CacheThrottlerStorage(b)];
        expect((await one.increment('k', MINUTE_MS, 3, MINUTE_MS, 'default')).totalHits).toBe(1);
        expect((await two.increment('k', MINUTE_MS, 3, MINUTE_MS, 'default')).totalHits).toBe(2);
        expect((await one.increment('k', MINUTE_MS, 3, MINUTE_MS, 'default')).totalHits).toBe(3);
        expect((await two.increment('k', MINUTE_MS, 3, MINUTE_MS, 'default')).isBlocked).toBe(true);
      });

      it('keeps its counters under prefix:~throttle:, out of iterKeys, and counts in one round trip', async () => {
        const prefix = uniquePrefix('throttle-keys');
        const owner = cache(prefix);
        await owner.ready();
        const limiter = new CacheThrottlerStorage(owner);
        await limiter.increment('k', MINUTE_MS, 3, MINUTE_MS, 'default');
        const raw = new Redis(testRedisUrl());
        try {
          const [, keys] = await raw.scan('0', 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          expect(keys).toHaveLength(1);
          expect(keys[0]).toMatch(new RegExp(`^${prefix}:~throttle:default:[A-Za-z0-9_-]{43}$`));
          expect(await raw.pttl(keys[0]!)).toBeGreaterThan(MINUTE_MS - 5_000);
          const found: string[] = [];
          for await (const key of owner.iterKeys('*')) found.push(key);
          expect(found).toEqual([]);

          const watcher = new Redis(testRedisUrl());
          const monitor = await watcher.monitor();
          const commands: string[] = [];
          monitor.on('monitor', (_time: string, args: string[], source: string) => {
            // Commands the script runs are reported too, from the 'lua' source: they cost no round trip.
            if (source !== 'lua' && args.some((arg) => arg.includes(prefix))) commands.push(args[0]!.toLowerCase());
          });
          await new Promise((resolve) => setTimeout(resolve, 50));
          await limiter.increment('k', MINUTE_MS, 3, MINUTE_MS, 'default');
          await new Promise((resolve) => setTimeout(resolve, 50));
          monitor.disconnect();
          watcher.disconnect();
          expect(commands).toEqual(['evalsha']);
        } finally {
          raw.disconnect();
        }
      });
    }
  },
);

describe('CacheThrottlerStorage when Redis is unavailable', () => {
  const COMMAND_TIMEOUT_MS = 200;
  const BOUND_MS = COMMAND_TIMEOUT_MS + 250;
  const redis = redisServerPerTest();

  function newLogger() {
    return { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };
  }

  async function limiterOn(options: { failOpen?: boolean } = {}, logger = newLogger()) {
    const cache = createCache(
      {
        url: redis.server.url,
        keyPrefix: uniquePrefix('throttle-fault'),
        commandTimeout: COMMAND_TIMEOUT_MS,
        breaker: { threshold: 1000 },
      },
      logger,
    );
    redis.track(cache);
    await cache.ready();
    return { cache, limiter: new CacheThrottlerStorage(cache, options), logger };
  }

  async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
    const started = performance.now();
    const result = await call();
    return { result, ms: performance.now() - started };
  }

  it.each<[string, NodeJS.Signals]>([
    ['stalled (SIGSTOP)', 'SIGSTOP'],
    ['killed (SIGKILL)', 'SIGKILL'],
  ])('throws CacheUnavailableError within the command timeout by default when Redis is %s', async (_, signal) => {
    const { limiter } = await limiterOn();
    await limiter.increment('k', MINUTE_MS, 3, MINUTE_MS, 'default');
    await redis.server.signal(signal);
    const started = performance.now();
    await expect(limiter.increment('k', MINUTE_MS, 3, MINUTE_MS, 'default')).rejects.toBeInstanceOf(
      CacheUnavailableError,
    );
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
  });

  it('with failOpen, lets requests through within the command timeout, logs once per outage and counts them', async () => {
    const { cache, limiter, logger } = await limiterOn({ failOpen: true });
    await redis.server.signal('SIGSTOP');
    for (let i = 0; i < 5; i++) {
      const { result, ms } = await timed(() => limiter.increment('k', MINUTE_MS, 1, MINUTE_MS, 'default'));
      expect(result).toMatchObject({ isBlocked: false, totalHits: 0 });
      expect(ms).toBeLessThan(BOUND_MS);
    }
    expect(cache.stats().throttlerFailOpens).toBe(5);
    const letThrough = logger.warn.mock.calls.filter(([line]) => String(line).includes('not enforced'));
    expect(letThrough).toHaveLength(1);

    await redis.server.signal('SIGCONT');
    await waitUntil(
      async () => (await limiter.increment('k', MINUTE_MS, 1, MINUTE_MS, 'default')).totalHits > 0,
      5_000,
      'the limit was never enforced again',
    );
    expect(logger.log).toHaveBeenCalledWith(expect.stringContaining('rate limits enforced again'));
  });
});
