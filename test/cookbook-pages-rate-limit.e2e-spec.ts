import type { Response } from 'supertest';
import { listen, type ListeningCookbook } from './browser/listening-cookbook.js';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { RedisServerProcess } from './support/redis-server.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';

const WINDOW_SECONDS = 60;

function expectThrottled(response: Response): void {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
}

// The limits are counted in Redis per app (the cache's key prefix), so each test uses usernames of its own.
describe.each(TEST_DATABASE_KINDS)('cookbook rate limits on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;
  let serial = 0;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'rate-limit', { LOGIN_RATE_LIMIT: '5', API_WRITE_RATE_LIMIT: '60' });
    site = await listen(cookbook);
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  const attempt = (username: string, password = 'wrong') => site.http().post('/api/login').send({ username, password });

  describe('sign-in attempts: 5 a minute per client and username', () => {
    it('answers the 6th attempt with 429 and Retry-After, even with the right password', async () => {
      const username = `mallory${++serial}`;
      for (let i = 1; i <= 5; i++) {
        const response = await attempt(username).expect(401);
        expect(response.headers['x-ratelimit-remaining']).toBe(String(5 - i));
      }
      expectThrottled(await attempt(username));
      expectThrottled(await attempt(username));
    });

    it('counts per username: another username from the same client still signs in', async () => {
      const username = `trudy${++serial}`;
      for (let i = 0; i < 5; i++) await attempt(username).expect(401);
      expectThrottled(await attempt(username));
      const alice = await attempt('alice', 'cookbook').expect(200);
      expect(alice.body.user.username).toBe('alice');
    });

    it('counts the form, the JSON route and every spelling of the username together', async () => {
      const username = `eve${++serial}`;
      await attempt(username).expect(401);
      await site.http().post('/login').send({ username: username.toUpperCase(), password: 'x' }).expect(401);
      await attempt(` ${username} `).expect(401);
      await site.http().post('/API/Login/').send({ username, password: 'x' }).expect(401);
      // A form post without a CSRF token is refused (403), but only after it was counted.
      await site.http().post('/login').type('form').send({ username, password: 'x' }).expect(403);
      expectThrottled(await site.http().post('/login').send({ username, password: 'x' }));
    });
  });

  describe('API writes: 60 a minute per user', () => {
    it("answers a user's 61st write with 429; another user can still write", async () => {
      const writer = await site.signIn('alice');
      const recipe = (await writer.get('/api/recipes').expect(200)).body[0] as { id: number };
      for (let i = 0; i < 60; i++) {
        const response = await writer.post(`/api/recipes/${recipe.id}/favorite`);
        expect([200, 201]).toContain(response.status);
      }
      expectThrottled(await writer.delete(`/api/recipes/${recipe.id}/favorite`));
      expectThrottled(await writer.patch(`/api/recipes/${recipe.id}`).send({ description: 'too late' }));

      const bob = await site.signIn('bob');
      await bob.post(`/api/recipes/${recipe.id}/favorite`).expect(201);
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
