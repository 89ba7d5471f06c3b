import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import type { Response } from 'supertest';
import { AppModule } from '../apps/cookbook/src/app.module.js';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { withEnv } from './support/cookbook-env.js';
import { cookieHeader, findSetCookie, sessionIdOf, type SetCookie } from './support/set-cookie.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';
import { testRedisUrl } from './support/test-redis.js';

const COOKIE = 'sessionid';
// The fixtures insert alice, then bob, into a fresh database.
const ALICE = { id: 1, username: 'alice' };
const BOB = { id: 2, username: 'bob' };

/** The session cookie a response sets, or undefined when it sets none. */
function sessionCookie(response: Response): SetCookie | undefined {
  return findSetCookie(response.headers, COOKIE);
}

describe.each(TEST_DATABASE_KINDS)('cookbook sign-in on %s: POST /api/login, GET /api/me, POST /api/logout', (kind) => {
  let cookbook: CookbookTestApp;
  let redis: Redis;

  const http = () => cookbook.http();
  const browser = () => cookbook.browser();
  const login = (
    client: ReturnType<typeof browser> | ReturnType<typeof http>,
    username: string,
    password = 'cookbook',
  ) => client.post('/api/login').send({ username, password });

  beforeAll(async () => {
    // These tests sign in many times a minute; the sign-in limit has its own suite (cookbook-pages-rate-limit).
    cookbook = await startCookbook(kind, 'auth');
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    await redis?.quit();
    await cookbook?.close();
  });

  describe('POST /api/login', () => {
    it('signs alice in with good credentials: answers the user and sets a cookie that /api/me accepts', async () => {
      const response = await login(http(), 'alice').expect(200);
      expect(response.body).toEqual({ user: ALICE });
      const cookie = sessionCookie(response)!;
      expect(cookie.attributes).toMatchObject({ httponly: true, samesite: 'Lax', path: '/' });

      const me = await http().get('/api/me').set('Cookie', cookieHeader(cookie)).expect(200);
      expect(me.body).toEqual({ user: ALICE });
    });

    it('cycles the session id: the cookie from before the login differs from the one after and stops working', async () => {
      const before = sessionCookie(await login(http(), 'alice').expect(200))!;
      const again = await login(http(), 'alice').set('Cookie', cookieHeader(before)).expect(200);
      const after = sessionCookie(again)!;

      expect(sessionIdOf(after)).not.toBe(sessionIdOf(before));
      await http().get('/api/me').set('Cookie', cookieHeader(before)).expect(401);
      await http().get('/api/me').set('Cookie', cookieHeader(after)).expect(200, { user: ALICE });
    });

    // Not under the cache's `<prefix>:*`, which CacheService.clear() deletes.
    it('stores the session at <CACHE_KEY_PREFIX>-session:<id>', async () => {
      const cookie = sessionCookie(await login(http(), 'bob').expect(200))!;
      expect(await redis.exists(`${cookbook.prefix}-session:${sessionIdOf(cookie)}`)).toBe(1);
    });

    it.each([
      ['a wrong password', 'alice', 'wrong'],
      ["another user's password", 'bob', 'Cookbook'],
      ['an unknown username', 'mallory', 'cookbook'],
      ['a username in the wrong case', 'Alice', 'cookbook'],
    ])('answers 401 and starts no session for %s', async (_case, username, password) => {
      const client = browser();
      const response = await login(client, username, password).expect(401);
      expect(response.body.message).toBe('Invalid username or password');
      expect(sessionCookie(response)).toBeUndefined();
      await client.get('/api/me').expect(401);
    });

    it.each([
      ['an empty object', {}, 'username is required'],
      ['no password', { username: 'alice' }, 'password is required'],
      ['an empty username', { username: '', password: 'cookbook' }, 'username is required'],
      ['a numeric password', { username: 'alice', password: 42 }, 'password must be a string, not a number'],
      ['an array username', { username: ['alice'], password: 'cookbook' }, 'username must be a string, not an array'],
      ['an object password', { username: 'alice', password: { $ne: '' } }, 'password must be a string, not an object'],
      ['a JSON array', ['alice', 'cookbook'], 'The body must be a JSON object'],
    ])('answers 400 for %s', async (_case, body, message) => {
      const response = await http().post('/api/login').send(body).expect(400);
      expect(response.body.message).toContain(message);
      expect(sessionCookie(response)).toBeUndefined();
    });

    it('answers 400 for a body that is not JSON', async () => {
      const response = await http()
        .post('/api/login')
        .set('Content-Type', 'application/json')
        .send('{"username": "alice",')
        .expect(400);
      expect(sessionCookie(response)).toBeUndefined();
    });
  });

  describe('GET /api/me', () => {
    it('answers 401 without a session', async () => {
      const response = await http().get('/api/me').expect(401);
      expect(response.body.message).toBe('Not signed in');
      expect(sessionCookie(response)).toBeUndefined();
    });

    it('keeps two browsers apart: each sees only its own user', async () => {
      const alice = browser();
      const bob = browser();
      await login(alice, 'alice').expect(200);
      await login(bob, 'bob').expect(200);

      await bob.get('/api/me').expect(200, { user: BOB });
      await alice.get('/api/me').expect(200, { user: ALICE });
    });
  });

  describe('POST /api/logout', () => {
    it('signs out: 204, the cookie is cleared, /api/me answers 401 and the old cookie no longer works', async () => {
      const client = browser();
      const cookie = sessionCookie(await login(client, 'alice').expect(200))!;

      const logout = await client.post('/api/logout').type('json').expect(204);
      expect(sessionCookie(logout)?.value).toBe('');
      await client.get('/api/me').expect(401);
      await http().get('/api/me').set('Cookie', cookieHeader(cookie)).expect(401);
      expect(await redis.exists(`${cookbook.prefix}-session:${sessionIdOf(cookie)}`)).toBe(0);
    });

    it('answers 204 when nobody is signed in', async () => {
      const response = await http().post('/api/logout').type('json').expect(204);
      expect(sessionCookie(response)).toBeUndefined();
    });
  });

  describe('POST /api/logout-everywhere', () => {
    it("ends every session of the user, this one included, and leaves other users' sessions alone", async () => {
      const laptop = browser();
      const phone = browser();
      const bob = browser();
      await login(laptop, 'alice').expect(200);
      const phoneCookie = sessionCookie(await login(phone, 'alice').expect(200))!;
      await login(bob, 'bob').expect(200);

      const response = await laptop.post('/api/logout-everywhere').type('json').expect(204);
      expect(sessionCookie(response)?.value).toBe('');
      await laptop.get('/api/me').expect(401);
      await phone.get('/api/me').expect(401);
      expect(await redis.exists(`${cookbook.prefix}-session:${sessionIdOf(phoneCookie)}`)).toBe(0);
      await bob.get('/api/me').expect(200, { user: BOB });
    });

    it('answers 401 when nobody is signed in, and sets no cookie', async () => {
      const response = await http().post('/api/logout-everywhere').type('json').expect(401);
      expect(sessionCookie(response)).toBeUndefined();
    });
  });
});

describe('cookbook startup: SESSION_SECRET', () => {
  const boot = () => Test.createTestingModule({ imports: [AppModule] }).compile();

  it.each([
    [
      'is missing with NODE_ENV=production',
      { NODE_ENV: 'production', SESSION_SECRET: undefined },
      /SESSION_SECRET is not set/,
    ],
    [
      'is shorter than 32 characters',
      { NODE_ENV: 'development', SESSION_SECRET: 'too-short' },
      /SESSION_SECRET is too short/,
    ],
  ])('fails when it %s, naming SESSION_SECRET', async (_case, env, message) => {
    // CACHE_STORE=memory: a failed compile() leaves no app to close, so nothing may open a connection first.
    await withEnv({ ...env, CACHE_STORE: 'memory', REDIS_URL: testRedisUrl() }, async () => {
      await expect(boot()).rejects.toThrow(message);
    });
  });
});
