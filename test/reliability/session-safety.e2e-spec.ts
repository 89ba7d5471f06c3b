import { jest } from '@jest/globals';
import type { Response } from 'supertest';
import { listen, type ListeningCookbook } from '../browser/listening-cookbook.js';
import { startCookbook, type CookbookTestApp } from '../support/cookbook-app.js';
import { csrfTokenIn } from '../support/cookbook-pages.js';
import { waitFor } from '../support/redis-server.js';
import { cookieHeader, findSetCookie, sessionIdOf } from '../support/set-cookie.js';
import { watchUnhandledRejections } from '../support/unhandled-rejections.js';
import { recordResult } from '../tools/reliability-log.js';
import {
  OUTAGE_RIGS,
  startOutageRig,
  type OutageRig,
  type OutageRigKind,
  type SessionOutage,
} from './session-outages.js';
import { SESSION_ROUTES, type SessionRoute, type SignedInCredentials } from './session-routes.js';
import { readStoredState } from './session-stored-state.js';

// Reliability scenario 5 (docs/reliability.md): sessions while Redis is down, on the real cookbook. SQLite only:
// the database holds users and favourites, read the same way on both; what is under test is Redis.
const SCENARIO = '5';
// With Redis down, connections are refused or reset at once and nothing waits for a command timeout (the session's
// is 1 s, the cache's 500 ms); the bound leaves room for one of each on a busy two-core machine.
const REQUEST_BOUND_MS = 2_000;
// ioredis reconnects with a backoff capped at 2 s; the cache's breaker probes again after its cool-down.
const RECOVERS_WITHIN_MS = 10_000;

const ALICE = 'Alice Liddell';
const SESSION_UNAVAILABLE = 'The session store is unavailable; try again shortly.';

/** Who refused a 503: the session store, or the rate limiter (which counts a sign-in before the session is read). */
function refusedBy(response: Response): string {
  const message = String(response.body?.message ?? '');
  if (message === SESSION_UNAVAILABLE) return 'session';
  return message.startsWith('Rate limiting is unavailable') ? 'rate limit' : message;
}

async function timed(send: () => PromiseLike<Response>): Promise<{ response: Response; ms: number }> {
  const started = performance.now();
  const response = await send();
  return { response, ms: performance.now() - started };
}

describe('Session safety when Redis is down (reliability scenario 5), on the cookbook', () => {
  const rejections = watchUnhandledRejections();
  // ioredis prints an 'error' event nobody listens to on console.error: the scenario fails on any.
  const consoleError = jest.spyOn(console, 'error');

  afterAll(() => {
    const ioredisErrors = consoleError.mock.calls.filter(([line]) => String(line).includes('[ioredis]'));
    consoleError.mockRestore();
    rejections.expectNone();
    expect(ioredisErrors).toEqual([]);
  });

  /** Boots a cookbook on a Redis of its own (behind a fault proxy when `kind` says so) for one describe block. */
  function cookbookOn(kind: OutageRigKind): {
    rig(): OutageRig;
    cookbook(): CookbookTestApp;
    site(): ListeningCookbook;
  } {
    let rig: OutageRig;
    let cookbook: CookbookTestApp;
    let site: ListeningCookbook;
    beforeAll(async () => {
      rig = await startOutageRig(kind);
      cookbook = await startCookbook('sqlite', 'session-safety', { REDIS_URL: rig.appUrl });
      site = await listen(cookbook);
    });
    afterAll(async () => {
      // A failed test must not leave the app without Redis for its clean-up.
      await rig?.proxy?.setMode('pass');
      await rig?.server.start();
      await cookbook?.close();
      await rig?.close();
    });
    return { rig: () => rig, cookbook: () => cookbook, site: () => site };
  }

  /** Signs alice in and gives her data: a CSRF token in her session, a favourite, a recently viewed recipe. */
  async function signInAlice(site: ListeningCookbook): Promise<SignedInCredentials & { sessionId: string }> {
    const signIn = await site.http().post('/api/login').send({ username: 'alice', password: 'cookbook' });
    expect(signIn.status).toBe(200);
    const sessionCookie = findSetCookie(signIn.headers, 'sessionid')!;
    const cookie = cookieHeader(sessionCookie);
    const login = await site.http().get('/login').set('Cookie', cookie).expect(200);
    // 201, or 200 when an earlier test on the same app marked it already.
    const favorite = await site.http().post('/api/recipes/2/favorite').set('Cookie', cookie).send({});
    expect([200, 201]).toContain(favorite.status);
    await site.http().get('/cookbook/recipes/2').set('Cookie', cookie).expect(200);
    return { cookie, csrfToken: csrfTokenIn(login.text), sessionId: sessionIdOf(sessionCookie) };
  }

  /** What alice sees of herself: her name, her favourite and her CSRF token, on the pages that show them. */
  async function expectAliceAsBefore(site: ListeningCookbook, alice: SignedInCredentials): Promise<void> {
    const me = await site.http().get('/api/me').set('Cookie', alice.cookie).expect(200);
    expect(me.body.user).toMatchObject({ username: 'alice' });
    const dashboard = await site.http().get('/dashboard').set('Cookie', alice.cookie).expect(200);
    expect(dashboard.text).toContain(`Hello, ${ALICE}`);
    expect(dashboard.text).toMatch(/id="favorites">\s*<li><a href="\/cookbook\/recipes\/2">/);
    const login = await site.http().get('/login').set('Cookie', alice.cookie).expect(200);
    expect(login.text).toContain(ALICE);
    expect(csrfTokenIn(login.text)).toBe(alice.csrfToken);
    for (const response of [me, dashboard, login]) expect(response.headers['set-cookie']).toBeUndefined();
  }

  /** Sends `route` as alice (or as an anonymous visitor, when the route says so). */
  function sendRoute(site: ListeningCookbook, route: SessionRoute, alice: SignedInCredentials): Promise<Response> {
    const pending = route.send(site.http(), alice);
    return route.anonymous ? pending : pending.set('Cookie', alice.cookie);
  }

  describe.each(OUTAGE_RIGS.map((kind) => [kind.name, kind] as const))('on %s', (_, kind) => {
    const { rig, cookbook, site } = cookbookOn(kind);

    it.each(kind.outages.map((outage) => [outage.name, outage] as const))(
      'when Redis is %s: 503 wherever the session is read, never as anonymous, never a cookie; after recovery the same cookie works and nothing stored changed',
      async (_, outage: SessionOutage) => {
        const alice = await signInAlice(site());
        await expectAliceAsBefore(site(), alice);
        const before = await readStoredState(cookbook(), rig().server.url);
        expect(before.redis[`${cookbook().prefix}-session:${alice.sessionId}`]).toBeDefined();
        expect(before.redis[`${cookbook().prefix}-recent:1`]).toBeDefined();

        const recover = await outage.begin(rig());
        const answers: string[] = [];
        let slowestMs = 0;
        try {
          for (const route of SESSION_ROUTES) {
            const { response, ms } = await timed(() => sendRoute(site(), route, alice));
            answers.push(
              `${route.name} ${response.status}${response.status === 503 ? ` (${refusedBy(response)})` : ''}`,
            );
            slowestMs = Math.max(slowestMs, ms);
            expect({ route: route.name, setCookie: response.headers['set-cookie'] }).toEqual({
              route: route.name,
              setCookie: undefined,
            });
            expect(ms).toBeLessThan(REQUEST_BOUND_MS);
            if (route.kind === 'session') {
              expect({ route: route.name, status: response.status }).toEqual({ route: route.name, status: 503 });
            } else {
              // The shared page, exactly as an anonymous visitor gets it at the same moment: nothing of alice's.
              const anonymous = await route.send(site().http(), alice);
              expect({ route: route.name, status: response.status }).toEqual({ route: route.name, status: 200 });
              expect(response.text).toBe(anonymous.text);
              expect(response.text).not.toContain(ALICE);
            }
          }
        } finally {
          await recover();
        }
        const recovered = performance.now();

        // Read before the cookie is used again: a request of the session refreshes its last-seen score.
        const after = await readStoredState(cookbook(), rig().server.url);
        expect(after).toEqual(before);

        await waitFor(
          async () => (await site().http().get('/api/me').set('Cookie', alice.cookie)).status === 200,
          RECOVERS_WITHIN_MS,
          "alice's cookie did not work again after the outage",
        );
        const recoveredAfterMs = performance.now() - recovered;
        await expectAliceAsBefore(site(), alice);
        // The next test on this app starts with every connection back (the cache's breaker closed).
        await waitFor(async () => (await site().http().get('/health')).status === 200, RECOVERS_WITHIN_MS, '/health');

        recordResult(SCENARIO, `session safety: Redis ${outage.name}`, {
          routes: SESSION_ROUTES.length,
          slowestMs,
          answers: answers.join(', '),
          recoveredAfterMs,
          storedChanged: JSON.stringify(after) !== JSON.stringify(before),
        });
      },
    );

    // The control: the same requests with Redis up. None is refused, so every 503 above is the outage's.
    it('answers every route as it does normally with Redis up (the control)', async () => {
      const alice = await signInAlice(site());
      const answers: string[] = [];
      for (const route of SESSION_ROUTES) {
        const response = await sendRoute(site(), route, alice);
        answers.push(`${route.name} ${response.status}`);
        expect({ route: route.name, status: response.status }).toEqual({ route: route.name, status: route.whenUp });
      }
      recordResult(SCENARIO, 'session safety: control with Redis up', { answers: answers.join(', ') });
    });
  });
});
