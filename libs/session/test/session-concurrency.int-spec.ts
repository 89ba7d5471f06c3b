import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { cookieHeader, findSetCookie, sessionIdOf, type SetCookie } from '../../../test/support/set-cookie.js';
import { createSessionApp, inspector, type SessionTestApp } from './support/session-test-app.js';
import { TestGates } from './support/test-gates.js';

describe('SessionModule with concurrent requests of one session', () => {
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

  async function start(data: Record<string, unknown>): Promise<SetCookie> {
    const response = await app.http().post('/session').send({ set: data }).expect(200);
    return findSetCookie(response.headers, 'sessionid')!;
  }

  const stored = async (cookie: SetCookie) => {
    const raw = await redis.get(`${app.prefix}${sessionIdOf(cookie)}`);
    if (raw === null) return null;
    const { cookie: _cookie, ...data } = JSON.parse(raw) as Record<string, unknown>;
    return data;
  };

  /**
   * Runs `slow` until its handler has loaded the session and stopped at a gate, runs `fast` to completion,
   * then lets `slow` finish: the slow request saves over a session that changed after it was loaded.
   */
  async function interleave(cookie: SetCookie, slow: object, fast: () => Promise<unknown>) {
    const name = `gate-${randomBytes(4).toString('hex')}`;
    const gate = TestGates.create(name);
    const pending = app
      .http()
      .post('/session/slow')
      .set('Cookie', cookieHeader(cookie))
      .send({ ...slow, gate: name });
    const slowResponse = pending.then((response) => response);
    await gate.reached;
    await fast();
    gate.open();
    return slowResponse;
  }

  it('keeps both writes when they change different keys', async () => {
    const cookie = await start({ base: 1 });
    const slow = await interleave(cookie, { set: { a: 'slow' } }, () =>
      app
        .http()
        .post('/session')
        .set('Cookie', cookieHeader(cookie))
        .send({ set: { b: 'fast' } })
        .expect(200),
    );
    expect(slow.status).toBe(200);
    expect(await stored(cookie)).toEqual({ base: 1, a: 'slow', b: 'fast' });
    // The handler answered from the session as it loaded it; the merge happened when it was saved.
    expect(slow.body.data).toEqual({ base: 1, a: 'slow' });
  });

  it('keeps a concurrent deletion and a concurrent write', async () => {
    const cookie = await start({ doomed: true, kept: 1 });
    await interleave(cookie, { unset: ['doomed'] }, () =>
      app
        .http()
        .post('/session')
        .set('Cookie', cookieHeader(cookie))
        .send({ set: { added: 2 } })
        .expect(200),
    );
    expect(await stored(cookie)).toEqual({ kept: 1, added: 2 });
  });

  it('lets the last writer win when both change the same key', async () => {
    const cookie = await start({ k: 'initial' });
    await interleave(cookie, { set: { k: 'slow' } }, () =>
      app
        .http()
        .post('/session')
        .set('Cookie', cookieHeader(cookie))
        .send({ set: { k: 'fast' } })
        .expect(200),
    );
    expect(await stored(cookie)).toEqual({ k: 'slow' });
  });

  it('keeps every write of many simultaneous requests', async () => {
    const cookie = await start({ base: true });
    const writes = Array.from({ length: 20 }, (_, i) =>
      app
        .http()
        .post('/session')
        .set('Cookie', cookieHeader(cookie))
        .send({ set: { [`k${i}`]: i } }),
    );
    const responses = await Promise.all(writes);
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(await stored(cookie)).toEqual({
      base: true,
      ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
    });
  });

  it('answers 400 when the session was deleted meanwhile, and does not bring it back', async () => {
    const cookie = await start({ a: 1 });
    const slow = await interleave(cookie, { set: { b: 2 } }, () =>
      app.http().post('/destroy').set('Cookie', cookieHeader(cookie)).expect(200),
    );
    expect(slow.status).toBe(400);
    expect(findSetCookie(slow.headers, 'sessionid')).toBeUndefined();
    expect(await stored(cookie)).toBeNull();
  });

  describe('saving', () => {
    it('fails with 500 for a value JSON cannot carry, and leaves the stored session intact', async () => {
      const cookie = await start({ a: 1 });
      const response = await app.http().post('/session/date').set('Cookie', cookieHeader(cookie));
      expect(response.status).toBe(500);
      expect(await stored(cookie)).toEqual({ a: 1 });
      expect(findSetCookie(response.headers, 'sessionid')).toBeUndefined();
    });

    it('does not save the changes of a handler that failed with a server error (as Django)', async () => {
      const cookie = await start({ a: 1 });
      await app
        .http()
        .post('/session/fail')
        .set('Cookie', cookieHeader(cookie))
        .send({ set: { a: 2 }, status: 500 })
        .expect(500);
      expect(await stored(cookie)).toEqual({ a: 1 });
    });

    it('saves the changes of a handler that answered 4xx (as Django)', async () => {
      const cookie = await start({ a: 1 });
      await app
        .http()
        .post('/session/fail')
        .set('Cookie', cookieHeader(cookie))
        .send({ set: { a: 2 }, status: 404 })
        .expect(404);
      expect(await stored(cookie)).toEqual({ a: 2 });
    });
  });
});
