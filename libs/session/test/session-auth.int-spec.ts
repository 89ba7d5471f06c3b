import type { Redis } from 'ioredis';
import { cookieHeader, findSetCookie, sessionIdOf, type SetCookie } from '../../../test/support/set-cookie.js';
import { createSessionApp, inspector, type SessionTestApp } from './support/session-test-app.js';

const NAME = 'sessionid';

describe('SessionService: login, key cycling, logout and restarts', () => {
  let app: SessionTestApp;
  let redis: Redis;

  beforeAll(async () => {
    app = await createSessionApp();
    redis = inspector();
  });

  afterAll(async () => {
    await app.close();
    await redis.quit();
  });

  /** A browser with a session holding `data`: returns its cookie. */
  async function sessionWith(data: Record<string, unknown>): Promise<SetCookie> {
    const response = await app.http().post('/session').send({ set: data }).expect(200);
    return findSetCookie(response.headers, NAME)!;
  }

  const stored = async (id: string) => {
    const raw = await redis.get(`${app.prefix}${id}`);
    return raw === null ? null : (JSON.parse(raw) as Record<string, unknown>);
  };

  describe('login', () => {
    it('cycles the id, keeps the data, binds the user, and the old id no longer works', async () => {
      const before = await sessionWith({ cart: ['apple'] });
      const oldId = sessionIdOf(before);

      const login = await app
        .http()
        .post('/login')
        .set('Cookie', cookieHeader(before))
        .send({ userId: 42 })
        .expect(200);
      const after = findSetCookie(login.headers, NAME)!;
      const newId = sessionIdOf(after);

      expect(newId).not.toBe(oldId);
      expect(login.body.id).toBe(newId);
      expect(await stored(oldId)).toBeNull();
      expect(await stored(newId)).toMatchObject({ cart: ['apple'], _stash: { userId: '42' } });

      const me = await app.http().get('/me').set('Cookie', cookieHeader(after)).expect(200);
      expect(me.body).toEqual({ userId: '42', id: newId });
      const replay = await app.http().get('/session').set('Cookie', cookieHeader(before)).expect(200);
      expect(replay.body.data).toEqual({});
      expect(replay.body.id).not.toBe(oldId);
    });

    it('flushes a session that belonged to another user instead of handing its data over', async () => {
      const browser = app.browser();
      await browser.post('/login').send({ userId: 'alice' }).expect(200);
      await browser
        .post('/session')
        .send({ set: { secret: 'alice only' } })
        .expect(200);
      await browser.post('/login').send({ userId: 'bob' }).expect(200);
      const session = await browser.get('/session').expect(200);
      expect(session.body.data.secret).toBeUndefined();
      expect(session.body.data._stash.userId).toBe('bob');
    });

    it('refuses an invalid user id without touching the session', async () => {
      const cookie = await sessionWith({ kept: true });
      await app.http().post('/login').set('Cookie', cookieHeader(cookie)).send({ userId: '' }).expect(500);
      expect(await stored(sessionIdOf(cookie))).toMatchObject({ kept: true });
    });
  });

  describe('cycleKey', () => {
    it('gives a new id with the same data and deletes the old one', async () => {
      const before = await sessionWith({ step: 2 });
      const response = await app.http().post('/cycle').set('Cookie', cookieHeader(before)).expect(200);
      const after = findSetCookie(response.headers, NAME)!;
      expect(sessionIdOf(after)).toBe(response.body.id);
      expect(await stored(sessionIdOf(before))).toBeNull();
      expect(await stored(sessionIdOf(after))).toMatchObject({ step: 2 });
    });
  });

  describe('logout', () => {
    it('flushes: the data is gone, the id changes and the old session is deleted', async () => {
      const browser = app.browser();
      const login = await browser.post('/login').send({ userId: 7 }).expect(200);
      await browser
        .post('/session')
        .send({ set: { cart: [1, 2] } })
        .expect(200);

      const logout = await browser.post('/logout').expect(200);
      expect(logout.body.id).not.toBe(login.body.id);
      expect(await stored(login.body.id)).toBeNull();
      // Empty after the flush: the cookie is deleted and no empty session is stored (as Django does).
      expect(findSetCookie(logout.headers, NAME)!.value).toBe('');
      expect(await stored(logout.body.id)).toBeNull();

      const after = await browser.get('/me').expect(200);
      expect(after.body.userId).toBeNull();
      expect((await browser.get('/session').expect(200)).body.data).toEqual({});
    });

    it('keeps data written after the flush, under the new id', async () => {
      const browser = app.browser();
      const login = await browser.post('/login').send({ userId: 8 }).expect(200);
      const logout = await browser
        .post('/logout')
        .send({ set: { flash: 'Signed out' } })
        .expect(200);
      expect(sessionIdOf(findSetCookie(logout.headers, NAME)!)).toBe(logout.body.id);
      expect(await stored(login.body.id)).toBeNull();
      expect(await stored(logout.body.id)).toMatchObject({ flash: 'Signed out' });
      expect((await stored(logout.body.id))!._stash).toBeUndefined();
    });
  });

  describe('flush and logout leave nothing behind', () => {
    // An app of its own, so that a SCAN of its prefix sees only what these tests stored.
    let own: SessionTestApp;

    beforeAll(async () => {
      own = await createSessionApp();
    });

    afterAll(async () => {
      await own.close();
    });

    async function sessionKeys(): Promise<string[]> {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${own.prefix}*`, 'COUNT', 1000);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      return keys;
    }

    it.each(['/flush', '/logout'])('%s of an anonymous visitor sends no cookie and stores nothing', async (path) => {
      const response = await own.http().post(path).expect(200);
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(await sessionKeys()).toEqual([]);
    });

    it('a signed-in flush deletes the old session, which no longer authenticates, and stores no empty one', async () => {
      const login = await own.http().post('/login').send({ userId: 'flushed' }).expect(200);
      const cookie = findSetCookie(login.headers, NAME)!;
      expect(await sessionKeys()).toEqual([`${own.prefix}${login.body.id}`]);

      const flush = await own.http().post('/flush').set('Cookie', cookieHeader(cookie)).expect(200);
      expect(flush.body.id).not.toBe(login.body.id);
      expect(findSetCookie(flush.headers, NAME)!.value).toBe('');
      expect(await sessionKeys()).toEqual([]);
      const index = `${own.prefix.slice(0, -1)}~user:flushed`;
      expect(await redis.zrange(index, '0', '-1')).toEqual([]);

      const replay = await own.http().get('/me').set('Cookie', cookieHeader(cookie)).expect(200);
      expect(replay.body.userId).toBeNull();
      expect(replay.headers['set-cookie']).toBeUndefined();
      expect(await sessionKeys()).toEqual([]);
    });
  });

  describe('destroy', () => {
    it('deletes the session and clears the cookie', async () => {
      const cookie = await sessionWith({ a: 1 });
      const response = await app.http().post('/destroy').set('Cookie', cookieHeader(cookie)).expect(200);
      const cleared = findSetCookie(response.headers, NAME)!;
      expect(cleared.value).toBe('');
      expect(new Date(cleared.attributes.expires as string).getTime()).toBeLessThan(Date.now());
      expect(await stored(sessionIdOf(cookie))).toBeNull();
    });
  });

  describe('when the application restarts', () => {
    it('a new Nest app on the same Redis sees the sessions of the old one', async () => {
      const first = await createSessionApp();
      const login = await first.http().post('/login').send({ userId: 'restart' }).expect(200);
      const cookie = findSetCookie(login.headers, NAME)!;
      await first
        .http()
        .post('/session')
        .set('Cookie', cookieHeader(cookie))
        .send({ set: { theme: 'dark' } })
        .expect(200);
      await first.close();

      const second = await createSessionApp({}, { prefix: first.prefix });
      try {
        const session = await second.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(200);
        expect(session.body).toEqual({
          id: sessionIdOf(cookie),
          data: { theme: 'dark', _stash: expect.objectContaining({ userId: 'restart' }) },
        });
      } finally {
        await second.close();
      }
    });
  });
});
