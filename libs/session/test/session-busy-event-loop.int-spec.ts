import { randomBytes } from 'node:crypto';
import { CommandTimeoutError } from '@stash/cache';
import type { Redis } from 'ioredis';
import { RedisServerProcess, waitFor } from '../../../test/support/redis-server.js';
import { cookieHeader, findSetCookie, sessionIdOf } from '../../../test/support/set-cookie.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';
import { SessionConnection } from '../src/connection/session-connection.js';
import { SessionEngine } from '../src/store/session-engine.js';
import { createSessionApp, type SessionTestApp } from './support/session-test-app.js';
import { logIn, type LoggedIn } from './support/session-traffic.js';
import { TestGates } from './support/test-gates.js';

const COMMAND_TIMEOUT_MS = 200;
const BUSY_MS = 3 * COMMAND_TIMEOUT_MS;
const BROWSERS = 6;
// A stalled Redis answers 503 after one command timeout, plus scheduling slack on a busy two-core machine.
const STALL_BOUND_MS = COMMAND_TIMEOUT_MS + 400;
const UNAVAILABLE = 'Session store unavailable during';

interface Answer {
  readonly status: number;
  readonly body: { id?: string; data?: Record<string, unknown> };
  readonly headers: Record<string, unknown>;
}

/** Keeps the event loop busy, as a burst of requests arriving at once does. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Nothing: the replies of the commands sent before wait in their socket.
  }
}

// Scenario 3 of docs/reliability.md, for sessions: ioredis's `commandTimeout` fires in the timers phase, before the
// poll phase reads replies that arrived in time, so after a burst that kept the process busy for longer than the
// timeout a healthy Redis answered 503. Redis is stopped (SIGSTOP) while the burst sends its commands, so that
// every reply is still in flight when the loop gets busy; it answers at once when continued, during the busy loop.
describe('SessionModule when the event loop was busy for longer than the command timeout', () => {
  let server: RedisServerProcess;
  let app: SessionTestApp;
  let client: Redis;
  let browsers: LoggedIn[];
  const rejections = watchUnhandledRejections();

  /**
   * Waits until `count` commands wait for their reply, checking once per turn of the event loop (in its check
   * phase, where the busy loop then starts: as for a burst of requests, the timers phase comes next, before the
   * poll phase that reads the replies).
   */
  async function commandsInFlight(count: number): Promise<void> {
    const deadline = performance.now() + 5_000;
    while (client.commandQueue.length < count) {
      if (performance.now() > deadline) throw new Error(`${count} commands were never sent`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Lets Redis answer the commands in flight while the event loop is busy for three command timeouts. */
  async function answerWhileBusy(): Promise<void> {
    await server.signal('SIGCONT');
    busyFor(BUSY_MS);
  }

  function read(browser: LoggedIn): Promise<Answer> {
    return app
      .http()
      .get('/session')
      .set('Cookie', cookieHeader(browser.cookie))
      .then((response) => response);
  }

  function write(browser: LoggedIn, path: string, body: object): Promise<Answer> {
    return app
      .http()
      .post(path)
      .set('Cookie', cookieHeader(browser.cookie))
      .send(body)
      .then((response) => response);
  }

  // Every answer is a 200 with the browser's own session; a Set-Cookie, if any, carries the same session id.
  function expectServed(answers: Answer[], expected: (browser: LoggedIn, i: number) => Record<string, unknown>) {
    const seen = answers.map((answer) => {
      const cookie = findSetCookie(answer.headers, 'sessionid');
      return {
        status: answer.status,
        id: answer.body.id,
        data: answer.body.data,
        cookie: cookie && sessionIdOf(cookie),
      };
    });
    expect(seen).toEqual(
      browsers.map((browser, i) => ({
        status: 200,
        id: browser.sessionId,
        data: expected(browser, i),
        cookie: seen[i]!.cookie === undefined ? undefined : browser.sessionId,
      })),
    );
  }

  async function stored(browser: LoggedIn): Promise<Record<string, unknown> | undefined> {
    const answer = await read(browser);
    expect(answer.status).toBe(200);
    return answer.body.data;
  }

  beforeEach(async () => {
    server = await RedisServerProcess.start();
    app = await createSessionApp({ url: server.url, redis: { commandTimeout: COMMAND_TIMEOUT_MS } });
    client = app.app.get(SessionConnection).client as Redis;
    browsers = await Promise.all(Array.from({ length: BROWSERS }, (_, i) => logIn(app, `u${i}`)));
    // The index touches that follow each response are done too: nothing of the set-up is in flight.
    await waitFor(() => client.commandQueue.length === 0, 5_000, 'the set-up left commands in flight');
  });

  afterEach(async () => {
    await server.signal('SIGCONT');
    await app.close();
    await server.stop();
  });

  afterAll(() => {
    rejections.expectNone();
  });

  it('serves a burst of logged-in reads and writes whose session loads were in flight: all 200, no 503', async () => {
    await server.signal('SIGSTOP');
    const reads = browsers.map((browser) => read(browser));
    const writes = browsers.map((browser, i) => write(browser, '/session', { set: { burst: i } }));
    await commandsInFlight(2 * BROWSERS);
    await answerWhileBusy();

    const own = (browser: LoggedIn) => ({
      cart: ['kept'],
      _stash: expect.objectContaining({ userId: browser.userId }),
    });
    expectServed(await Promise.all(reads), own);
    expectServed(await Promise.all(writes), (browser, i) => ({ ...own(browser), burst: i }));
    for (const [i, browser] of browsers.entries()) expect(await stored(browser)).toMatchObject({ burst: i });
    expect(app.logger.error).not.toHaveBeenCalled();
  });

  it('serves a burst of writes whose saves (EVALSHA) were in flight: all 200, every change stored', async () => {
    const gates = browsers.map(() => {
      const name = `busy-${randomBytes(4).toString('hex')}`;
      return { name, ...TestGates.create(name) };
    });
    const writes = browsers.map((browser, i) =>
      write(browser, '/session/slow', { gate: gates[i]!.name, set: { saved: i } }),
    );
    // Every session is loaded and each handler waits at its gate: the save script runs once they are opened.
    await Promise.all(gates.map((gate) => gate.reached));
    await server.signal('SIGSTOP');
    for (const gate of gates) gate.open();
    await commandsInFlight(BROWSERS);
    await answerWhileBusy();

    expectServed(await Promise.all(writes), (browser, i) => ({
      cart: ['kept'],
      _stash: expect.objectContaining({ userId: browser.userId }),
      saved: i,
    }));
    for (const [i, browser] of browsers.entries()) expect(await stored(browser)).toMatchObject({ saved: i });
    expect(app.logger.error).not.toHaveBeenCalled();
  });

  it("bounds connect-redis's own commands too (ids, all, length, destroy, clear) by the session's timeout", async () => {
    const store = app.app.get(SessionEngine).store;
    const sessionIds = browsers.map((browser) => browser.sessionId).sort();
    expect(((await store.ids()) as string[]).sort()).toEqual(sessionIds);
    expect(await store.length()).toBe(BROWSERS);
    expect(((await store.all()) as Array<{ id: string }>).map((session) => session.id).sort()).toEqual(sessionIds);

    await server.signal('SIGSTOP');
    for (const [name, call] of [
      ['ids', () => store.ids()],
      ['all', () => store.all()],
      ['length', () => store.length()],
      ['destroy', () => store.destroy(browsers[0]!.sessionId)],
      ['clear', () => store.clear()],
    ] as const) {
      const started = performance.now();
      const error: unknown = await call().then(
        () => undefined,
        (rejected: unknown) => rejected,
      );
      const ms = performance.now() - started;
      expect({ name, error }).toEqual({ name, error: expect.any(CommandTimeoutError) });
      // ioredis's own timer (the safety net) would only fire after ten command timeouts.
      expect(ms).toBeLessThan(STALL_BOUND_MS);
    }

    await server.signal('SIGCONT');
    await store.destroy(browsers[0]!.sessionId);
    expect(await store.length()).toBe(BROWSERS - 1);
    await store.clear();
    expect(await store.length()).toBe(0);
  });

  it('still answers 503 to a request when Redis is stalled (SIGSTOP), within one command timeout', async () => {
    const [browser] = browsers;
    await server.signal('SIGSTOP');
    const started = performance.now();
    const answer = await read(browser!);
    const ms = performance.now() - started;
    expect(answer.status).toBe(503);
    expect(findSetCookie(answer.headers, 'sessionid')).toBeUndefined();
    expect(ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 1);
    expect(ms).toBeLessThan(STALL_BOUND_MS);
    expect(app.logger.error).toHaveBeenCalledWith(expect.stringContaining(`${UNAVAILABLE} load`));

    await server.signal('SIGCONT');
    await waitFor(async () => (await read(browser!)).status === 200, 5_000, 'sessions did not recover after SIGCONT');
  });
});
