import { randomBytes } from 'node:crypto';
import { RedisServerProcess, freePort, waitFor } from '../../../test/support/redis-server.js';
import { cookieHeader, findSetCookie, signedSessionCookie, type SetCookie } from '../../../test/support/set-cookie.js';
import { createSessionApp, SECRET, type SessionTestApp } from './support/session-test-app.js';
import { TestGates } from './support/test-gates.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';

const COMMAND_TIMEOUT_MS = 300;
// A request may pay one command timeout, plus scheduling slack on a busy two-core machine.
const BOUND_MS = COMMAND_TIMEOUT_MS + 400;
const UNAVAILABLE = 'Session store unavailable during';

async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await call();
  return { result, ms: performance.now() - started };
}

describe('SessionModule when Redis fails', () => {
  let server: RedisServerProcess;
  let app: SessionTestApp | undefined;
  const rejections = watchUnhandledRejections();

  const appOn = async (url: string) => {
    app = await createSessionApp({ url, redis: { commandTimeout: COMMAND_TIMEOUT_MS } });
    return app;
  };

  async function login(target: SessionTestApp): Promise<SetCookie> {
    const response = await target.http().post('/login').send({ userId: 'u1' }).expect(200);
    const cookie = findSetCookie(response.headers, 'sessionid')!;
    await target
      .http()
      .post('/session')
      .set('Cookie', cookieHeader(cookie))
      .send({ set: { cart: ['kept'] } })
      .expect(200);
    return cookie;
  }

  beforeEach(async () => {
    server = await RedisServerProcess.start();
  });

  afterEach(async () => {
    await server.signal('SIGCONT');
    await app?.close();
    app = undefined;
    await server.stop();
  });

  afterAll(() => {
    rejections.expectNone();
  });

  describe('when Redis is killed (SIGKILL)', () => {
    it('answers 503 to requests that need the session, fast, with one log line per outage', async () => {
      const target = await appOn(server.url);
      const cookie = await login(target);
      await server.signal('SIGKILL');

      const calls: Array<[string, () => Promise<{ status: number; headers: Record<string, unknown> }>]> = [
        ['read', () => target.http().get('/session').set('Cookie', cookieHeader(cookie))],
        [
          'write',
          () =>
            target
              .http()
              .post('/session')
              .set('Cookie', cookieHeader(cookie))
              .send({ set: { a: 1 } }),
        ],
        ['login', () => target.http().post('/login').set('Cookie', cookieHeader(cookie)).send({ userId: 'u1' })],
        ['service', () => target.http().get('/me').set('Cookie', cookieHeader(cookie))],
      ];
      for (const [name, call] of calls) {
        const { result, ms } = await timed(call);
        expect({ name, status: result.status }).toEqual({ name, status: 503 });
        expect(findSetCookie(result.headers, 'sessionid')).toBeUndefined();
        expect(ms).toBeLessThan(BOUND_MS);
      }
      const lines = target.logger.error.mock.calls.filter(([line]) => String(line).includes(UNAVAILABLE));
      expect(lines).toHaveLength(1);
      expect(String(lines[0]![0])).toMatch(/during load: .+answered 503/);
    });

    it('keeps answering routes that do not use the session', async () => {
      const target = await appOn(server.url);
      const cookie = await login(target);
      await server.signal('SIGKILL');
      for (const headers of [{}, { Cookie: cookieHeader(cookie) }]) {
        const { result, ms } = await timed(() => target.http().get('/ping').set(headers));
        expect(result.status).toBe(200);
        expect(result.body).toEqual({ pong: true });
        expect(ms).toBeLessThan(BOUND_MS);
      }
    });

    it('recovers by itself once Redis is back', async () => {
      const target = await appOn(server.url);
      const cookie = await login(target);
      await server.signal('SIGKILL');
      await target.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(503);

      await server.start();
      await waitFor(
        async () => (await target.http().get('/session').set('Cookie', cookieHeader(cookie))).status === 200,
        8_000,
        'sessions did not recover after the restart',
      );
      await login(target);
      expect(target.logger.log).toHaveBeenCalledWith(expect.stringContaining('Session store reachable again'));
    });
  });

  describe('when Redis stalls (SIGSTOP)', () => {
    it('answers 503 within the command timeout and loses nothing: after SIGCONT the same cookie works', async () => {
      const target = await appOn(server.url);
      const cookie = await login(target);
      await server.signal('SIGSTOP');

      const { result, ms } = await timed(() => target.http().get('/session').set('Cookie', cookieHeader(cookie)));
      expect(result.status).toBe(503);
      expect(ms).toBeLessThan(BOUND_MS);
      expect((await target.http().get('/ping')).status).toBe(200);

      await server.signal('SIGCONT');
      await waitFor(
        async () => (await target.http().get('/session').set('Cookie', cookieHeader(cookie))).status === 200,
        5_000,
        'sessions did not recover after SIGCONT',
      );
      const session = await target.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(200);
      expect(session.body.data).toMatchObject({ cart: ['kept'], _stash: { userId: 'u1' } });
    });
  });

  describe('when Redis dies between loading the session and saving it', () => {
    it('answers 503 instead of a 200 whose changes were lost', async () => {
      const target = await appOn(server.url);
      const cookie = await login(target);
      const name = `gate-${randomBytes(4).toString('hex')}`;
      const gate = TestGates.create(name);
      const pending = target
        .http()
        .post('/session/slow')
        .set('Cookie', cookieHeader(cookie))
        .send({ gate: name, set: { b: 2 } });
      const response = pending.then((r) => r);
      await gate.reached;
      await server.signal('SIGKILL');
      gate.open();
      expect((await response).status).toBe(503);
    });
  });

  describe('when Redis is unreachable at startup', () => {
    it('boots, serves routes without a session, answers 503 to the others, and recovers when it starts', async () => {
      await server.stop();
      const port = await freePort();
      const target = await appOn(`redis://127.0.0.1:${port}`);
      expect(target.logger.warn).toHaveBeenCalledWith(expect.stringContaining('not reachable at startup'));
      const cookie = `sessionid=${signedSessionCookie('some-session-id', SECRET)}`;

      await target.http().get('/ping').expect(200);
      await target.http().get('/session').set('Cookie', cookie).expect(503);

      server = await RedisServerProcess.start(port);
      await waitFor(
        async () => (await target.http().get('/session').set('Cookie', cookie)).status === 200,
        8_000,
        'sessions did not come up with Redis',
      );
    });
  });
});
