import type { Redis } from 'ioredis';
import { waitFor } from '../../../test/support/redis-server.js';
import { cookieHeader, findSetCookie, sessionIdOf, type SetCookie } from '../../../test/support/set-cookie.js';
import { createSessionApp, inspector, type SessionTestApp } from './support/session-test-app.js';

const NAME = 'sessionid';

describe('SessionModule expiry', () => {
  let redis: Redis;
  const apps: SessionTestApp[] = [];

  async function appWith(options: Parameters<typeof createSessionApp>[0]): Promise<SessionTestApp> {
    const app = await createSessionApp(options);
    apps.push(app);
    return app;
  }

  async function start(app: SessionTestApp, data: Record<string, unknown> = { a: 1 }): Promise<SetCookie> {
    const response = await app.http().post('/session').send({ set: data }).expect(200);
    return findSetCookie(response.headers, NAME)!;
  }

  const pttl = (app: SessionTestApp, cookie: SetCookie) => redis.pttl(`${app.prefix}${sessionIdOf(cookie)}`);
  const expiresIn = (cookie: SetCookie) => new Date(cookie.attributes.expires as string).getTime() - Date.now();

  beforeAll(() => {
    redis = inspector();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(() => redis.quit());

  describe('ttl', () => {
    it('defaults to 14 days, on the cookie and on the Redis entry', async () => {
      const app = await appWith({});
      const cookie = await start(app);
      const fourteenDays = 14 * 24 * 3600 * 1000;
      expect(Math.abs(expiresIn(cookie) - fourteenDays)).toBeLessThan(2_000);
      expect(Math.abs((await pttl(app, cookie)) - fourteenDays)).toBeLessThan(2_000);
      expect(cookie.attributes['max-age']).toBeUndefined();
    });

    it('ends the session when it passes: the old cookie then gets a new, empty session', async () => {
      const app = await appWith({ ttl: 1 });
      const cookie = await start(app, { left: 'behind' });
      await waitFor(async () => (await pttl(app, cookie)) === -2, 5_000, 'the session did not expire');
      const after = await app.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(200);
      expect(after.body.data).toEqual({});
      expect(after.body.id).not.toBe(sessionIdOf(cookie));
    });
  });

  describe('when rolling is off (the default)', () => {
    it('a request that only reads neither re-sends the cookie nor extends the Redis entry', async () => {
      const app = await appWith({ ttl: 4 });
      const cookie = await start(app);
      await waitFor(async () => (await pttl(app, cookie)) < 3_000, 5_000, 'time did not pass');
      const read = await app.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(200);
      expect(findSetCookie(read.headers, NAME)).toBeUndefined();
      expect(await pttl(app, cookie)).toBeLessThan(3_000);
    });

    it('a request that changes the session pushes both expiries forward', async () => {
      const app = await appWith({ ttl: 4 });
      const cookie = await start(app);
      await waitFor(async () => (await pttl(app, cookie)) < 3_000, 5_000, 'time did not pass');
      const write = await app
        .http()
        .post('/session')
        .set('Cookie', cookieHeader(cookie))
        .send({ set: { b: 2 } })
        .expect(200);
      expect(expiresIn(findSetCookie(write.headers, NAME)!)).toBeGreaterThan(3_000);
      expect(await pttl(app, cookie)).toBeGreaterThan(3_000);
    });
  });

  describe('when rolling is on', () => {
    it('every request that loads the session re-sends the cookie and resets the Redis TTL', async () => {
      const app = await appWith({ ttl: 4, rolling: true });
      const cookie = await start(app);
      await waitFor(async () => (await pttl(app, cookie)) < 3_000, 5_000, 'time did not pass');
      const read = await app.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(200);
      const renewed = findSetCookie(read.headers, NAME)!;
      expect(sessionIdOf(renewed)).toBe(sessionIdOf(cookie));
      expect(expiresIn(renewed)).toBeGreaterThan(3_000);
      expect(await pttl(app, cookie)).toBeGreaterThan(3_000);
    });

    it('a route that does not use the session leaves the expiry alone', async () => {
      const app = await appWith({ ttl: 4, rolling: true });
      const cookie = await start(app);
      await waitFor(async () => (await pttl(app, cookie)) < 3_000, 5_000, 'time did not pass');
      const ping = await app.http().get('/ping').set('Cookie', cookieHeader(cookie)).expect(200);
      expect(findSetCookie(ping.headers, NAME)).toBeUndefined();
      expect(await pttl(app, cookie)).toBeLessThan(3_000);
    });
  });

  describe('when saveEveryRequest is on', () => {
    it('writes the session and re-sends the cookie on every request that loads it', async () => {
      const app = await appWith({ ttl: 4, saveEveryRequest: true });
      const cookie = await start(app);
      const key = `${app.prefix}${sessionIdOf(cookie)}`;
      const before = JSON.parse((await redis.get(key))!).cookie.expires as string;
      await waitFor(async () => (await redis.pttl(key)) < 3_000, 5_000, 'time did not pass');
      const read = await app.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(200);
      expect(findSetCookie(read.headers, NAME)).toBeDefined();
      expect(JSON.parse((await redis.get(key))!).cookie.expires).not.toBe(before);
      expect(await redis.pttl(key)).toBeGreaterThan(3_000);
    });
  });

  describe('when expireAtBrowserClose is on', () => {
    it('sends a browser-session cookie while the Redis entry still expires after ttl', async () => {
      const app = await appWith({ ttl: 60, expireAtBrowserClose: true });
      const cookie = await start(app);
      expect(cookie.attributes.expires).toBeUndefined();
      expect(cookie.attributes['max-age']).toBeUndefined();
      const ttl = await pttl(app, cookie);
      expect(ttl).toBeGreaterThan(58_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });
  });

  describe('setExpiry and getExpiryAge', () => {
    it('seconds: the cookie and the Redis entry live that long, and the choice sticks', async () => {
      const app = await appWith({ ttl: 600 });
      const browser = app.browser();
      await browser
        .post('/session')
        .send({ set: { a: 1 } })
        .expect(200);
      const set = await browser.post('/expiry').send({ seconds: 30 }).expect(200);
      expect(set.body.age).toBe(30);
      const cookie = findSetCookie(set.headers, NAME)!;
      expect(Math.abs(expiresIn(cookie) - 30_000)).toBeLessThan(2_000);
      expect(Math.abs((await pttl(app, cookie)) - 30_000)).toBeLessThan(2_000);

      const later = await browser
        .post('/session')
        .send({ set: { b: 2 } })
        .expect(200);
      expect(Math.abs(expiresIn(findSetCookie(later.headers, NAME)!) - 30_000)).toBeLessThan(2_000);
      expect((await browser.get('/expiry').expect(200)).body.age).toBe(30);
    });

    it('0: a browser-session cookie; the Redis entry keeps the module ttl', async () => {
      const app = await appWith({ ttl: 600 });
      const browser = app.browser();
      await browser
        .post('/session')
        .send({ set: { a: 1 } })
        .expect(200);
      const set = await browser.post('/expiry').send({ seconds: 0 }).expect(200);
      const cookie = findSetCookie(set.headers, NAME)!;
      expect(cookie.attributes.expires).toBeUndefined();
      expect(Math.abs((await pttl(app, cookie)) - 600_000)).toBeLessThan(2_000);
      expect(set.body.age).toBe(600);
    });

    it('a Date: expires at that moment, and stays absolute when the session changes later', async () => {
      const app = await appWith({ ttl: 600 });
      const browser = app.browser();
      await browser
        .post('/session')
        .send({ set: { a: 1 } })
        .expect(200);
      const at = new Date(Math.ceil((Date.now() + 3_600_000) / 1000) * 1000);
      const set = await browser.post('/expiry').send({ date: at.toISOString() }).expect(200);
      const cookie = findSetCookie(set.headers, NAME)!;
      expect(new Date(cookie.attributes.expires as string).toISOString()).toBe(at.toISOString());

      await waitFor(() => Date.now() >= at.getTime() - 3_600_000 + 1_100, 3_000, 'time did not pass');
      const later = await browser
        .post('/session')
        .send({ set: { b: 2 } })
        .expect(200);
      expect(new Date(findSetCookie(later.headers, NAME)!.attributes.expires as string).toISOString()).toBe(
        at.toISOString(),
      );
      const age = (await browser.get('/expiry').expect(200)).body.age as number;
      expect(Math.abs(age - (at.getTime() - Date.now()) / 1000)).toBeLessThan(2);
    });

    it('null: back to the module policy', async () => {
      const app = await appWith({ ttl: 600 });
      const browser = app.browser();
      await browser
        .post('/session')
        .send({ set: { a: 1 } })
        .expect(200);
      await browser.post('/expiry').send({ seconds: 30 }).expect(200);
      const reset = await browser.post('/expiry').send({ seconds: null }).expect(200);
      expect(reset.body.age).toBe(600);
      expect(Math.abs(expiresIn(findSetCookie(reset.headers, NAME)!) - 600_000)).toBeLessThan(2_000);
    });

    it('refuses negative seconds', async () => {
      const app = await appWith({});
      await app.http().post('/expiry').send({ seconds: -5 }).expect(500);
    });
  });
});
