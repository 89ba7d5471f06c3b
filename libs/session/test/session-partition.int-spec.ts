import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { waitFor } from '../../../test/support/redis-server.js';
import { cookieHeader, findSetCookie, sessionIdOf, type SetCookie } from '../../../test/support/set-cookie.js';
import { DebuggableRedisServer } from '../../../test/tools/debuggable-redis-server.js';
import { FaultProxy } from '../../../test/tools/fault-proxy.js';
import { recordResult } from '../../../test/tools/reliability-log.js';
import { STALLS, stallsNamed, type StallRig } from '../../../test/tools/stalls.js';
import { createSessionApp, type SessionTestApp } from './support/session-test-app.js';
import { TestGates } from './support/test-gates.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';

// Reliability scenario 2 (docs/reliability.md), for sessions: Redis stalled or partitioned, never gone.
const SCENARIO = '2: stalls and partitions (@stash/session)';
const COMMAND_TIMEOUT_MS = 300;
// A request may pay one command timeout, plus scheduling slack on a busy two-core machine.
const BOUND_MS = COMMAND_TIMEOUT_MS + 400;
// Stalls of a fixed length end within 3 s; then a reconnect takes at most 2 s.
const RECOVERS_WITHIN_MS = 8_000;

interface Answer {
  readonly status: number;
  readonly body: { id?: string; data?: Record<string, unknown>; userId?: string | null };
  readonly headers: Record<string, unknown>;
}

async function timed<T>(call: () => PromiseLike<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await call();
  return { result, ms: performance.now() - started };
}

describe('SessionModule when Redis stalls or is partitioned (reliability scenario 2)', () => {
  let rig: StallRig;
  let app: SessionTestApp | undefined;
  const rejections = watchUnhandledRejections();

  /** Logs in as u1 and stores a cart: the session every request below needs. */
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

  // ioredis prints an 'error' event nobody listens to on console.error: the scenario fails on any.
  const consoleError = jest.spyOn(console, 'error');

  beforeEach(async () => {
    const server = await DebuggableRedisServer.start();
    const proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: server.port } });
    const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined);
    rig = { server, proxy, admin };
  });

  afterEach(async () => {
    await rig.server.signal('SIGCONT');
    await rig.proxy.setMode('pass');
    await app?.close();
    app = undefined;
    await rig.proxy.close();
    rig.admin.disconnect();
    await rig.server.stop();
  });

  afterAll(() => {
    const ioredisErrors = consoleError.mock.calls.filter(([line]) => String(line).includes('[ioredis]'));
    consoleError.mockRestore();
    rejections.expectNone();
    expect(ioredisErrors).toEqual([]);
  });

  describe.each(STALLS.map((stall) => [stall.name, stall] as const))('under %s', (_, stall) => {
    it('answers 503 within the command timeout, never as anonymous, never with a new cookie; the same cookie works after', async () => {
      app = await createSessionApp({ url: rig.proxy.url(), redis: { commandTimeout: COMMAND_TIMEOUT_MS } });
      const target = app;
      const cookie = await login(target);
      const sessionKey = `${target.prefix}${sessionIdOf(cookie)}`;
      const stored = await rig.admin.get(sessionKey);
      const session = await target.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(200);
      expect(session.body.data).toMatchObject({ cart: ['kept'], _stash: { userId: 'u1' } });
      const heal = await stall.begin(rig);

      const requests: Array<[string, () => PromiseLike<Answer>]> = [
        ['read', () => target.http().get('/session').set('Cookie', cookieHeader(cookie))],
        ['service', () => target.http().get('/me').set('Cookie', cookieHeader(cookie))],
        [
          'write',
          () =>
            target
              .http()
              .post('/session')
              .set('Cookie', cookieHeader(cookie))
              .send({ set: { during: 'stall' } }),
        ],
        ['login', () => target.http().post('/login').set('Cookie', cookieHeader(cookie)).send({ userId: 'u2' })],
      ];
      const latencies: number[] = [];
      const statuses: string[] = [];
      for (const [name, call] of requests) {
        const { result, ms } = await timed(call);
        statuses.push(`${name} ${result.status}`);
        expect(findSetCookie(result.headers, 'sessionid')).toBeUndefined();
        expect(ms).toBeLessThan(BOUND_MS);
        if (stall.stallsReads) {
          expect({ name, status: result.status }).toEqual({ name, status: 503 });
        } else if (result.status !== 503) {
          // Under CLIENT PAUSE WRITE a load is answered until the connection sends a write (a save, the end-of-
          // response last-seen update); Redis then holds the connection and later loads wait. A request served
          // is served with the real session, never an anonymous one.
          expect({ name, status: result.status }).toEqual({ name, status: 200 });
          expect(result.body.data?._stash ?? { userId: result.body.userId }).toMatchObject({ userId: 'u1' });
        }
        latencies.push(ms);
      }
      const ping = await target.http().get('/ping');
      expect(ping.status).toBe(200);

      await heal();
      const healed = performance.now();
      await waitFor(
        async () => (await target.http().get('/session').set('Cookie', cookieHeader(cookie))).status === 200,
        RECOVERS_WITHIN_MS,
        'the session did not answer again after the stall',
      );
      const recoveredAfterMs = performance.now() - healed;
      const after = await target.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(200);
      expect(findSetCookie(after.headers, 'sessionid')).toBeUndefined();
      const storedAfter = await rig.admin.get(sessionKey);
      const changed = storedAfter !== stored;
      if (stall.stallsReads) {
        // Every request failed at its load: nothing was written, nothing can land late.
        expect(after.body).toEqual(session.body);
        expect(storedAfter).toBe(stored);
      } else {
        // A write answered 503 may still land when the pause ends (documented: writes are merges), and nothing
        // else may: the session is as it was, or carries exactly that write.
        const expected = [session.body.data, { ...session.body.data, during: 'stall' }];
        expect(expected).toContainEqual(after.body.data);
        expect(after.body.id).toBe(session.body.id);
      }
      recordResult(SCENARIO, `503 and intact session: ${stall.name}`, {
        maxMs: Math.max(...latencies),
        statuses: statuses.join(', '),
        recoveredAfterMs,
        storedChanged: changed,
      });
    });
  });

  describe.each(stallsNamed('hold', 'hold-reset', 'half-open').map((stall) => [stall.name, stall] as const))(
    'a save in flight when the partition begins (%s)',
    (_, stall) => {
      it('answers 503 within the bound, and its change is applied whole or not at all', async () => {
        app = await createSessionApp({ url: rig.proxy.url(), redis: { commandTimeout: COMMAND_TIMEOUT_MS } });
        const target = app;
        const cookie = await login(target);
        const before = await target.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(200);
        const gate = `gate-${randomBytes(4).toString('hex')}`;
        const { reached, open } = TestGates.create(gate);
        // Loaded before the partition; its handler waits at the gate, then saves during it.
        const response = target
          .http()
          .post('/session/slow')
          .set('Cookie', cookieHeader(cookie))
          .send({ gate, set: { during: 'partition' } })
          .then((r) => r);
        await reached;
        const heal = await stall.begin(rig);
        const started = performance.now();
        open();
        const answer = await response;
        const ms = performance.now() - started;
        expect(answer.status).toBe(503);
        expect(findSetCookie(answer.headers, 'sessionid')).toBeUndefined();
        expect(ms).toBeLessThan(BOUND_MS);

        await heal();
        await waitFor(
          async () => (await target.http().get('/session').set('Cookie', cookieHeader(cookie))).status === 200,
          RECOVERS_WITHIN_MS,
          'the session did not answer again after the partition',
        );
        const after = await target.http().get('/session').set('Cookie', cookieHeader(cookie)).expect(200);
        const applied = { ...before.body.data, during: 'partition' };
        expect([before.body.data, applied]).toContainEqual(after.body.data);
        expect(after.body.id).toBe(before.body.id);
        recordResult(SCENARIO, `save in flight: ${stall.name}`, {
          ms,
          status: answer.status,
          appliedAfterHeal: after.body.data.during === 'partition',
        });
      });
    },
  );
});
