import type { Redis } from 'ioredis';
import { waitFor } from '../../../test/support/redis-server.js';
import {
  cookieHeader,
  findSetCookie,
  sessionIdOf,
  signedSessionCookie,
  type SetCookie,
} from '../../../test/support/set-cookie.js';
import { createSessionApp, inspector, OTHER_SECRET, SECRET, type SessionTestApp } from './support/session-test-app.js';

describe('SessionModule cookies', () => {
  let redis: Redis;
  const apps: SessionTestApp[] = [];

  async function appWith(...args: Parameters<typeof createSessionApp>): Promise<SessionTestApp> {
    const app = await createSessionApp(...args);
    apps.push(app);
    return app;
  }

  async function start(app: SessionTestApp, headers: Record<string, string> = {}): Promise<SetCookie | undefined> {
    const response = await app
      .http()
      .post('/session')
      .set(headers)
      .send({ set: { a: 1 } })
      .expect(200);
    return findSetCookie(response.headers, 'sessionid') ?? findSetCookie(response.headers, 'sid');
  }

  beforeAll(() => {
    redis = inspector();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(() => redis.quit());

  describe('attributes', () => {
    it('over plain HTTP: sessionid, Path=/, HttpOnly, SameSite=Lax and no Secure', async () => {
      const app = await appWith();
      const cookie = (await start(app))!;
      expect(cookie.name).toBe('sessionid');
      expect(cookie.attributes).toMatchObject({ path: '/', httponly: true, samesite: 'Lax' });
      expect(cookie.attributes.secure).toBeUndefined();
      expect(cookie.attributes.domain).toBeUndefined();
    });

    it('follow the cookie options', async () => {
      const app = await appWith({
        cookie: { name: 'sid', domain: 'example.test', path: '/session', httpOnly: false, sameSite: 'strict' },
      });
      const cookie = (await start(app))!;
      expect(cookie.name).toBe('sid');
      expect(cookie.attributes).toMatchObject({ path: '/session', domain: 'example.test', samesite: 'Strict' });
      expect(cookie.attributes.httponly).toBeUndefined();
    });

    it('leave out SameSite when sameSite is false', async () => {
      const cookie = (await start(await appWith({ cookie: { sameSite: false } })))!;
      expect(cookie.attributes.samesite).toBeUndefined();
    });

    describe('behind a proxy (secure: auto)', () => {
      it.each<[string, boolean, boolean, Record<string, string>]>([
        ['a trusted proxy that says https', true, true, { 'X-Forwarded-Proto': 'https' }],
        ['a trusted proxy that says http', false, true, { 'X-Forwarded-Proto': 'http' }],
        ['an untrusted X-Forwarded-Proto: https', false, false, { 'X-Forwarded-Proto': 'https' }],
        ['a trusted proxy that says nothing', false, true, {}],
      ])('%s -> Secure is %s', async (_name, secure, trustProxy, headers) => {
        const app = await appWith({}, { trustProxy });
        const cookie = (await start(app, headers))!;
        expect(cookie.attributes.secure === true).toBe(secure);
      });
    });

    it('with secure: true, sends no cookie over plain HTTP and a Secure one over trusted HTTPS', async () => {
      const app = await appWith({ cookie: { secure: true } }, { trustProxy: true });
      expect(await start(app)).toBeUndefined();
      const cookie = (await start(app, { 'X-Forwarded-Proto': 'https' }))!;
      expect(cookie.attributes.secure).toBe(true);
    });

    it('are re-applied to sessions created before an option changed', async () => {
      const before = await appWith({ ttl: 600 });
      const cookie = (await start(before))!;
      const after = await appWith({ ttl: 600, cookie: { sameSite: 'strict' } }, { prefix: before.prefix });
      const write = await after
        .http()
        .post('/session')
        .set('Cookie', cookieHeader(cookie))
        .send({ set: { b: 2 } });
      expect(findSetCookie(write.headers, 'sessionid')!.attributes.samesite).toBe('Strict');
    });
  });

  describe('secret rotation', () => {
    it('keeps cookies signed with an older secret valid and signs new cookies with the first', async () => {
      const old = await appWith({ secret: SECRET });
      const cookie = (await start(old))!;
      const id = sessionIdOf(cookie);

      const rotated = await appWith({ secret: [OTHER_SECRET, SECRET] }, { prefix: old.prefix });
      const read = await rotated.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(200);
      expect(read.body).toEqual({ id, data: { a: 1 } });

      const write = await rotated
        .http()
        .post('/session')
        .set('Cookie', cookieHeader(cookie))
        .send({ set: { b: 2 } });
      expect(findSetCookie(write.headers, 'sessionid')!.value).toBe(signedSessionCookie(id, OTHER_SECRET));
    });

    it('once the old secret is dropped, its cookies start fresh sessions', async () => {
      const old = await appWith({ secret: SECRET });
      const cookie = (await start(old))!;
      const retired = await appWith({ secret: [OTHER_SECRET] }, { prefix: old.prefix });
      const read = await retired.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(200);
      expect(read.body.data).toEqual({});
      expect(read.body.id).not.toBe(sessionIdOf(cookie));
    });
  });

  describe('tampered cookies', () => {
    let app: SessionTestApp;
    let monitored: Redis;
    let monitor: Redis;
    let victim: SetCookie;
    let seen: string[];
    let marker = 0;

    // MONITOR streams every command the server runs; a marker command tells when it has caught up.
    async function commandsDuring(call: () => Promise<unknown>): Promise<string[]> {
      seen = [];
      await call();
      const mark = `${app.prefix}marker-${++marker}`;
      await redis.exists(mark);
      await waitFor(() => seen.some((line) => line.includes(mark)), 5_000, 'MONITOR did not catch up');
      return seen.filter((line) => line.includes(app.prefix) && !line.includes('marker-'));
    }

    beforeAll(async () => {
      app = await createSessionApp();
      victim = (await start(app))!;
      monitored = inspector();
      monitor = await monitored.monitor();
      monitor.on('monitor', (_time: string, args: string[]) => seen.push(args.join(' ')));
    });

    afterAll(async () => {
      monitor.disconnect();
      await monitored.quit();
      await app.close();
    });

    const id = () => sessionIdOf(victim);
    const signature = () =>
      decodeURIComponent(victim.value).slice(decodeURIComponent(victim.value).lastIndexOf('.') + 1);

    it.each<[string, () => string]>([
      ['an unsigned id', () => id()],
      ['an id signed with another secret', () => signedSessionCookie(id(), OTHER_SECRET)],
      [
        'an attacker-chosen id signed with another secret',
        () => signedSessionCookie('attacker-chosen-id', OTHER_SECRET),
      ],
      ['a truncated signature', () => victim.value.slice(0, -6)],
      ['a flipped signature character', () => encodeURIComponent(`s:${id()}.${flip(signature())}`)],
      ['an empty signature', () => encodeURIComponent(`s:${id()}.`)],
      ['an id with extra characters and the real signature', () => encodeURIComponent(`s:${id()}x.${signature()}`)],
      ['only the prefix', () => 's%3A'],
      ['malformed percent-encoding', () => '%E0%A4%A'],
      ['a 4 KB value', () => `s%3A${'A'.repeat(4096)}`],
    ])('%s starts a fresh anonymous session without any store lookup', async (_name, value) => {
      let response: { body: { id: string; data: unknown } } | undefined;
      const commands = await commandsDuring(async () => {
        response = await app.http().get('/session').set('Cookie', `sessionid=${value()}`).expect(200);
      });
      expect(response!.body.data).toEqual({});
      expect(response!.body.id).not.toBe(id());
      expect(commands).toEqual([]);
    });

    it('a correctly signed cookie is looked up (the control)', async () => {
      const commands = await commandsDuring(() =>
        app
          .http()
          .get('/session')
          .set('Cookie', cookieHeader(victim))
          .expect(200, { id: id(), data: { a: 1 } }),
      );
      expect(commands).toEqual([expect.stringMatching(new RegExp(`^get ${app.prefix}${id()}$`, 'i'))]);
    });

    it('a signed id whose stored value is not a JSON session starts a fresh session with a warning', async () => {
      const broken = 'broken-stored-value-id';
      await redis.set(`${app.prefix}${broken}`, 'function () { return 1 }', 'EX', 60);
      const read = await app
        .http()
        .get('/session')
        .set('Cookie', `sessionid=${signedSessionCookie(broken, SECRET)}`);
      expect(read.status).toBe(200);
      expect(read.body.data).toEqual({});
      expect(app.logger.warn).toHaveBeenCalledWith(expect.stringContaining('is not a JSON session'));
    });
  });
});

function flip(text: string): string {
  const last = text.at(-2) === 'A' ? 'B' : 'A';
  return `${text.slice(0, -2)}${last}${text.at(-1)}`;
}
