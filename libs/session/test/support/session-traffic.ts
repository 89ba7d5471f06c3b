import { nodeCommand, parseInfo, waitFor } from '../../../../test/support/redis-node-process.js';
import { cookieHeader, findSetCookie, sessionIdOf, type SetCookie } from '../../../../test/support/set-cookie.js';
import type { SessionTestApp } from './session-test-app.js';

/** A logged-in browser: its user, its session id and the cookie that carries it. */
export interface LoggedIn {
  readonly userId: string;
  readonly sessionId: string;
  readonly cookie: SetCookie;
}

/** One answer of the traffic loop, and what was wrong with it (if anything). */
export interface TrafficSample {
  readonly user: number;
  readonly route: 'read' | 'write';
  /** When the request started, in ms on `performance.now()`'s clock. */
  readonly at: number;
  readonly ms: number;
  readonly status: number;
  /** Why this answer breaks a session guarantee, or undefined when it is fine. */
  readonly problem?: string;
}

// A short pause between one browser's requests: keeps the load modest on a shared two-core machine.
const PAUSE_MS = 10;
// The loop stops by itself after this long, even if a test forgets to stop it.
const MAX_RUN_MS = 40_000;

/** Logs `userId` in and returns its cookie. */
export async function logIn(app: SessionTestApp, userId: string): Promise<LoggedIn> {
  const response = await app.http().post('/login').send({ userId }).expect(200);
  const cookie = findSetCookie(response.headers, 'sessionid')!;
  await app
    .http()
    .post('/session')
    .set('Cookie', cookieHeader(cookie))
    .send({ set: { cart: ['kept'] } })
    .expect(200);
  return { userId, sessionId: sessionIdOf(cookie), cookie };
}

/**
 * Each browser reads (`GET /me`) and writes (`POST /session`) its session in a loop until `stop()`, and every
 * answer is checked against the session guarantees: only 200 or 503; a 200 always serves the browser's own
 * logged-in session (never an anonymous or another one); a 503 never sets a cookie; a 200 never sets a cookie
 * for another session id.
 */
export class SessionTraffic {
  readonly samples: TrafficSample[] = [];
  private stopped = false;
  private readonly loops: Promise<void>[];
  private readonly started = performance.now();

  constructor(
    private readonly app: SessionTestApp,
    private readonly browsers: readonly LoggedIn[],
  ) {
    this.loops = browsers.map((_browser, user) => this.loop(user));
  }

  /** Stops the loops and waits for their last requests. */
  async stop(): Promise<TrafficSample[]> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.samples;
  }

  /** Waits until `user` has had `count` 200 answers to requests that started after `since`. */
  async waitForSuccesses(user: number, since: number, count: number, timeoutMs: number): Promise<void> {
    await waitFor(
      async () => this.samples.filter((s) => s.user === user && s.at >= since && s.status === 200).length >= count,
      timeoutMs,
      `browser ${user} got no ${count} answers of 200 after the failover`,
    );
  }

  private async loop(user: number): Promise<void> {
    let round = 0;
    while (!this.stopped && performance.now() - this.started < MAX_RUN_MS) {
      await this.request(user, round % 2 === 0 ? 'read' : 'write', round);
      round++;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }

  private async request(user: number, route: 'read' | 'write', round: number): Promise<void> {
    const browser = this.browsers[user]!;
    const at = performance.now();
    const call =
      route === 'read'
        ? this.app.http().get('/me').set('Cookie', cookieHeader(browser.cookie))
        : this.app.http().post('/session').set('Cookie', cookieHeader(browser.cookie)).send({ set: { round } });
    const response = await call.ok(() => true);
    const ms = performance.now() - at;
    this.samples.push({ user, route, at, ms, status: response.status, problem: problemOf(browser, route, response) });
  }
}

function problemOf(
  browser: LoggedIn,
  route: 'read' | 'write',
  response: { status: number; headers: Record<string, unknown>; body: Record<string, unknown> },
): string | undefined {
  const setCookie = findSetCookie(response.headers, 'sessionid');
  if (response.status === 503) return setCookie ? 'a 503 set a cookie' : undefined;
  if (response.status !== 200) return `status ${response.status}`;
  if (setCookie && sessionIdOf(setCookie) !== browser.sessionId) return 'a 200 set a cookie for another session';
  if (response.body.id !== browser.sessionId) return `a 200 served session ${String(response.body.id)}`;
  const userId =
    route === 'read' ? response.body.userId : (response.body.data as { _stash?: { userId?: string } })._stash?.userId;
  return userId === browser.userId ? undefined : `a 200 served the session as user ${String(userId)}`;
}

/** Waits until every replica of the master on `port` has acknowledged everything it was sent. */
export async function waitForReplication(port: number, timeoutMs = 5_000): Promise<void> {
  await waitFor(
    async () => {
      const info = parseInfo(await nodeCommand(port, ['INFO', 'replication']));
      const offset = Number(info.get('master_repl_offset'));
      const replicas = [...info.entries()].filter(([field]) => /^slave\d+$/.test(field));
      return (
        replicas.length > 0 &&
        replicas.every(
          ([, value]) => value.includes('state=online') && Number(/offset=(\d+)/.exec(value)?.[1]) >= offset,
        )
      );
    },
    timeoutMs,
    `the replicas of port ${port} did not catch up`,
  );
}

/** Figures of a failover run, for the report. */
export function summarize(samples: readonly TrafficSample[], failedAt: number) {
  // A request that started just before the failure can be answered 503 too: count every 503.
  const unavailable = samples.filter((s) => s.status === 503);
  const lastUnavailable = unavailable.reduce((last, s) => Math.max(last, s.at + s.ms), failedAt);
  return {
    requests: samples.length,
    ok: samples.filter((s) => s.status === 200).length,
    unavailable: unavailable.length,
    maxLatencyMs: Math.round(Math.max(...samples.map((s) => s.ms))),
    // From the failure to the end of the last 503: how long sessions were unavailable.
    recoveryMs: Math.round(lastUnavailable - failedAt),
    problems: samples.filter((s) => s.problem).map((s) => `${s.route} of browser ${s.user}: ${s.problem}`),
  };
}
