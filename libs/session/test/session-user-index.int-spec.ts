import { randomBytes } from 'node:crypto';
import { SessionService } from '@stash/session';
import type { Redis } from 'ioredis';
import { waitFor } from '../../../test/support/redis-server.js';
import { createSessionApp, inspector, type SessionTestApp } from './support/session-test-app.js';

interface Listed {
  id: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string;
  current: boolean;
}

describe('SessionService per-user session index', () => {
  let app: SessionTestApp;
  let redis: Redis;
  const extraApps: SessionTestApp[] = [];

  const newUser = () => `user-${randomBytes(4).toString('hex')}`;
  const indexKey = (target: SessionTestApp, userId: string, family: 'user' | 'seen' = 'user') =>
    `${target.prefix.slice(0, -1)}~${family}:${userId}`;

  async function device(target: SessionTestApp, userId: string, userAgent: string) {
    const browser = target.browser();
    const login = await browser.post('/login').set('User-Agent', userAgent).send({ userId }).expect(200);
    return { browser, id: login.body.id as string };
  }

  beforeAll(async () => {
    app = await createSessionApp();
    redis = inspector();
  });

  afterEach(async () => {
    await Promise.all(extraApps.splice(0).map((extra) => extra.close()));
  });

  afterAll(async () => {
    await app.close();
    await redis.quit();
  });

  it('lists a user’s live sessions with created and last-seen times and user agents', async () => {
    const userId = newUser();
    const started = Date.now();
    const phone = await device(app, userId, 'Phone/1.0');
    const laptop = await device(app, userId, 'Laptop/2.0');

    const list = (await laptop.browser.get('/me/sessions').expect(200)).body as Listed[];
    expect(list.map((s) => [s.id, s.userAgent, s.current]).sort()).toEqual(
      [
        [laptop.id, 'Laptop/2.0', true],
        [phone.id, 'Phone/1.0', false],
      ].sort(),
    );
    for (const session of list) {
      const created = Date.parse(session.createdAt);
      expect(session.userId).toBe(userId);
      expect(created).toBeGreaterThanOrEqual(started - 5);
      expect(Date.parse(session.lastSeenAt)).toBeGreaterThanOrEqual(created);
      expect(Math.abs(Date.parse(session.expiresAt) - created - 14 * 24 * 3600 * 1000)).toBeLessThan(2_000);
    }
  });

  it('moves last-seen forward on each request of the session', async () => {
    const userId = newUser();
    const phone = await device(app, userId, 'Phone');
    const service = app.app.get(SessionService);
    const [before] = await service.listForUser(userId);
    await waitFor(() => Date.now() > before!.lastSeenAt.getTime() + 5, 1_000, 'the clock did not move');
    await phone.browser.get('/session').expect(200);
    const [after] = await service.listForUser(userId);
    expect(after!.lastSeenAt.getTime()).toBeGreaterThan(before!.lastSeenAt.getTime());
  });

  it('follows cycleKey and forgets a session on logout', async () => {
    const userId = newUser();
    const phone = await device(app, userId, 'Phone');
    const service = app.app.get(SessionService);
    const cycled = (await phone.browser.post('/cycle').expect(200)).body.id as string;
    expect((await service.listForUser(userId)).map((s) => s.id)).toEqual([cycled]);
    await phone.browser.post('/logout').expect(200);
    expect(await service.listForUser(userId)).toEqual([]);
    expect(await redis.zcard(indexKey(app, userId))).toBe(0);
  });

  it('signs the user out of other devices, keeping the current one', async () => {
    const userId = newUser();
    const phone = await device(app, userId, 'Phone');
    const laptop = await device(app, userId, 'Laptop');
    const tablet = await device(app, userId, 'Tablet');

    const response = await laptop.browser.post('/me/logout-others').expect(200);
    expect(response.body).toEqual({ destroyed: 2 });
    expect((await phone.browser.get('/me').expect(200)).body.userId).toBeNull();
    expect((await tablet.browser.get('/me').expect(200)).body.userId).toBeNull();
    expect((await laptop.browser.get('/me').expect(200)).body).toEqual({ userId, id: laptop.id });
    expect((await app.app.get(SessionService).listForUser(userId)).map((s) => s.id)).toEqual([laptop.id]);
  });

  it('signs the user out everywhere, leaving no index behind', async () => {
    const userId = newUser();
    const phone = await device(app, userId, 'Phone');
    const laptop = await device(app, userId, 'Laptop');
    expect(await app.app.get(SessionService).destroyAllForUser(userId)).toBe(2);
    for (const { browser } of [phone, laptop]) expect((await browser.get('/me').expect(200)).body.userId).toBeNull();
    expect(await redis.exists(indexKey(app, userId), indexKey(app, userId, 'seen'))).toBe(0);
  });

  it('drops sessions deleted behind its back (eviction, a raw DEL) from the list', async () => {
    const userId = newUser();
    const phone = await device(app, userId, 'Phone');
    await redis.del(`${app.prefix}${phone.id}`);
    expect(await app.app.get(SessionService).listForUser(userId)).toEqual([]);
    expect(await redis.zcard(indexKey(app, userId))).toBe(0);
  });

  describe('when sessions expire', () => {
    it('prunes them, and the index lives as long as the longest session', async () => {
      const userId = newUser();
      const phone = await device(app, userId, 'Phone');
      await phone.browser.post('/expiry').send({ seconds: 1 }).expect(200);
      const laptop = await device(app, userId, 'Laptop');
      await waitFor(async () => (await redis.exists(`${app.prefix}${phone.id}`)) === 0, 5_000, 'no expiry');

      const list = await app.app.get(SessionService).listForUser(userId);
      expect(list.map((s) => s.id)).toEqual([laptop.id]);
      expect(await redis.zrange(indexKey(app, userId), '0', '-1')).toEqual([laptop.id]);
      expect(await redis.zrange(indexKey(app, userId, 'seen'), '0', '-1')).toEqual([laptop.id]);
      const indexTtl = await redis.pttl(indexKey(app, userId));
      const sessionTtl = await redis.pttl(`${app.prefix}${laptop.id}`);
      expect(Math.abs(indexTtl - sessionTtl)).toBeLessThan(2_000);
    });

    it('the index disappears by itself once every session has expired', async () => {
      const short = await createSessionApp({ ttl: 1 });
      extraApps.push(short);
      const userId = newUser();
      await device(short, userId, 'Phone');
      expect(await redis.exists(indexKey(short, userId))).toBe(1);
      await waitFor(
        async () => (await redis.exists(indexKey(short, userId), indexKey(short, userId, 'seen'))) === 0,
        5_000,
        'the index did not expire',
      );
    });
  });
});
