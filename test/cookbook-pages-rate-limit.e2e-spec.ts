import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { formatPasswordHash, hashPassword } from '../apps/cookbook/src/auth/password-hash.js';
import { RATE_LIMIT_METADATA } from '../apps/cookbook/src/rate-limit/rate-limit.constants.js';
import { listen, type ListeningCookbook } from './browser/listening-cookbook.js';
import { bootCookbook, startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { csrfTokenIn } from './support/cookbook-pages.js';
import { RedisServerProcess } from './support/redis-server.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';
import { testRedisUrl } from './support/test-redis.js';

const WINDOW_SECONDS = 60;

function expectThrottled(response: Response): void {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
}

/** Keys under `pattern` in the suite's Redis. */
async function redisKeys(pattern: string): Promise<string[]> {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  } finally {
    await redis.quit();
  }
}

// The limits are counted in Redis per app (the cache's key prefix), so each test uses usernames of its own.
describe.each(TEST_DATABASE_KINDS)('cookbook rate limits on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'rate-limit', { LOGIN_RATE_LIMIT: '5', API_WRITE_RATE_LIMIT: '60' });
    site = await listen(cookbook);
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  const attempt = (username: string, password = 'wrong') => site.http().post('/api/login').send({ username, password });
  const uniqueName = (base: string) => `${base}${randomBytes(3).toString('hex')}`;
  /** A user of this test only, whose password is `cookbook`. */
  const createUser = async (): Promise<string> => {
    const username = uniqueName('carol');
    const hash = formatPasswordHash(hashPassword('cookbook'));
    await cookbook.sql('INSERT INTO users (username, display_name, password_hash) VALUES (?, ?, ?)', [
      username,
      'Carol',
      hash,
    ]);
    return username;
  };

  describe('sign-in attempts: 5 a minute per client and username', () => {
    it('answers the 6th attempt with 429 and Retry-After, even with the right password', async () => {
      const username = await createUser();
      for (let i = 1; i <= 5; i++) {
        const response = await attempt(username).expect(401);
        expect(response.headers['x-ratelimit-remaining']).toBe(String(5 - i));
      }
      const browser = site.browser();
      const right = await browser.post('/api/login').send({ username, password: 'cookbook' });
      expectThrottled(right);
      expect(right.headers['set-cookie']).toBeUndefined();
      await browser.get('/api/me').expect(401);
      expectThrottled(await attempt(username, 'cookbook'));
    });

    it('counts per username: another username from the same client still signs in', async () => {
      const username = uniqueName('trudy');
      for (let i = 0; i < 5; i++) await attempt(username).expect(401);
      expectThrottled(await attempt(username));
      const other = await createUser();
      const signedIn = await attempt(other, 'cookbook').expect(200);
      expect(signedIn.body.user.username).toBe(other);
    });

    it('counts the form, the JSON route and every spelling of the username together', async () => {
      const username = uniqueName('eve');
      await attempt(username).expect(401);
      await site.http().post('/login').send({ username: username.toUpperCase(), password: 'x' }).expect(401);
      await attempt(` ${username} `).expect(401);
      await site.http().post('/API/Login/').send({ username, password: 'x' }).expect(401);
      // A form post without a CSRF token is refused (403), but only after it was counted.
      await site.http().post('/login').type('form').send({ username, password: 'x' }).expect(403);
      expectThrottled(await site.http().post('/login').send({ username, password: 'x' }));
    });

    it('counts per client address, whatever X-Forwarded-For claims (no proxy is trusted)', async () => {
      const username = uniqueName('oscar');
      for (let i = 1; i <= 5; i++) {
        await attempt(username).set('X-Forwarded-For', `203.0.113.${i}`).expect(401);
      }
      expectThrottled(await attempt(username).set('X-Forwarded-For', '198.51.100.7'));
    });
  });

  describe('API writes: 60 a minute per user', () => {
    it("answers a user's 61st write with 429; another user can still write", async () => {
      const writer = await site.signIn('alice');
      const recipe = (await writer.get('/api/recipes').expect(200)).body[0] as { id: number };
      for (let i = 0; i < 60; i++) {
        const response = await writer.post(`/api/recipes/${recipe.id}/favorite`).type('json');
        expect([200, 201]).toContain(response.status);
      }
      expectThrottled(await writer.delete(`/api/recipes/${recipe.id}/favorite`).type('json'));
      expectThrottled(await writer.patch(`/api/recipes/${recipe.id}`).send({ description: 'too late' }));

      const bob = await site.signIn('bob');
      await bob.post(`/api/recipes/${recipe.id}/favorite`).type('json').expect(201);
    });

    it('never counts reads or pages', async () => {
      for (let i = 0; i < 70; i++) {
        const response = await site.http().get('/api/recipes').expect(200);
        expect(response.headers['x-ratelimit-limit']).toBeUndefined();
      }
      await site.http().get('/cookbook/').expect(200);
    });
  });
});

describe('cookbook rate limits: which routes are limited', () => {
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;

  beforeAll(async () => {
    cookbook = await startCookbook('sqlite', 'rate-limit-routes', { LOGIN_RATE_LIMIT: '5', API_WRITE_RATE_LIMIT: '3' });
    site = await listen(cookbook);
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  // Signing out, here or everywhere, changes only the caller's own sessions: nothing to limit, and a limit must never
  // keep a user from ending a session someone else may hold.
  const UNLIMITED_WRITES = new Set(['POST /logout', 'POST /api/logout', 'POST /api/logout-everywhere']);

  it('limits every route that is not a GET, except signing out', () => {
    const discovery = cookbook.app.get(DiscoveryService, { strict: false });
    const scanner = new MetadataScanner();
    const unlimited: string[] = [];
    let writes = 0;
    for (const { metatype, instance } of discovery.getControllers()) {
      if (!metatype || !instance) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
      for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
        const handler = (instance as Record<string, unknown>)[name] as object;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined || method === RequestMethod.GET) continue;
        const route =
          `${RequestMethod[method]} /${[base, Reflect.getMetadata(PATH_METADATA, handler)].filter(Boolean).join('/')}`
            .replace(/\/+/g, '/')
            .replace(/\/$/, '');
        writes++;
        const limit =
          Reflect.getMetadata(RATE_LIMIT_METADATA, handler) ?? Reflect.getMetadata(RATE_LIMIT_METADATA, metatype);
        if (limit === undefined && !UNLIMITED_WRITES.has(route)) unlimited.push(route);
      }
    }
    expect(writes).toBeGreaterThan(10);
    expect(unlimited).toEqual([]);
  });

  it('counts the add-recipe form and the API writes of a user together (3 a minute here)', async () => {
    const alice = await site.signIn('alice');
    const token = csrfTokenIn((await alice.get('/cookbook/recipes/new').expect(200)).text);
    const post = (name: string) =>
      alice.post('/cookbook/recipes').type('form').send({ _csrf: token, name, description: 'x', ingredients: '' });

    await alice.post('/api/recipes').send({ name: 'Limited by API', description: 'x' }).expect(201);
    expect((await post('Limited by form 1')).status).toBe(303);
    expect((await post('Limited by form 2')).status).toBe(303);
    expectThrottled(await post('Limited by form 3'));
    expectThrottled(await alice.post('/api/recipes').send({ name: 'Limited by API 2', description: 'x' }));
    const names = ((await site.http().get('/api/recipes').expect(200)).body as { name: string }[]).map((r) => r.name);
    expect(names).not.toContain('Limited by form 3');
  });
});

describe('cookbook rate limits with CACHE_STORE=memory', () => {
  let first: CookbookTestApp;
  let second: CookbookTestApp;

  beforeAll(async () => {
    const env = { CACHE_STORE: 'memory', LOGIN_RATE_LIMIT: '4' };
    first = await startCookbook('sqlite', 'rate-limit-memory', env);
    // A second instance of the same deployment: same database, same Redis, same prefix.
    second = await bootCookbook(first.db, first.prefix, env);
  });

  afterAll(async () => {
    await second?.app.close();
    await first?.close();
  });

  it('counts in Redis, shared by every instance: 4 attempts across two instances use up the limit of both', async () => {
    const username = `mallet${randomBytes(3).toString('hex')}`;
    const attempt = (cookbook: CookbookTestApp) =>
      cookbook.http().post('/api/login').send({ username, password: 'wrong' });

    for (const cookbook of [first, second, first, second]) await attempt(cookbook).expect(401);
    expectThrottled(await attempt(first));
    expectThrottled(await attempt(second));
    expect(await redisKeys(`${first.prefix}-rate-limit:*`)).not.toEqual([]);
  });
});

describe('cookbook rate limits with Redis down', () => {
  let redis: RedisServerProcess;
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    cookbook = await startCookbook('sqlite', 'rate-limit-down', { REDIS_URL: redis.url });
    site = await listen(cookbook);
  });

  afterAll(async () => {
    if (!redis.running) await redis.start();
    await cookbook?.close();
    await redis.stop();
  });

  it('answers a limited request 503 (the limit fails closed), within a bounded time; unlimited ones still answer', async () => {
    await site.http().post('/api/login').send({ username: 'alice', password: 'wrong' }).expect(401);
    await redis.signal('SIGKILL');

    const started = Date.now();
    const response = await site.http().post('/api/login').send({ username: 'alice', password: 'cookbook' });
    expect(response.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2_000);
    await site.http().get('/api/recipes').expect(200);
  });
});
