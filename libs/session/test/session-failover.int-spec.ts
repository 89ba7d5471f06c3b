import { randomBytes } from 'node:crypto';
import { nodeCommand } from '../../../test/support/redis-node-process.js';
import { RedisClusterTopology } from '../../../test/support/redis-cluster.js';
import { RedisSentinelTopology } from '../../../test/support/redis-sentinel.js';
import { cookieHeader, findSetCookie } from '../../../test/support/set-cookie.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';
import { createSessionApp, type SessionTestApp } from './support/session-test-app.js';
import { logIn, SessionTraffic, summarize, waitForReplication, type LoggedIn } from './support/session-traffic.js';
import { waitFor } from '../../../test/support/redis-server.js';

const TOPOLOGY_TIMEOUT_MS = 30_000;
// A sentinel test starts its own topology (whose replica syncs after 5 s) and fails it over.
const SENTINEL_TEST_TIMEOUT_MS = 45_000;
const FAILOVER_TIMEOUT_MS = 15_000;
// Steady traffic before the failure, and answers of 200 each browser must get after it.
const WARM_UP_SUCCESSES = 4;
const SUCCESSES_AFTER = 6;
// A request may wait out the cluster's failover retries (6 x 100 ms) and a command timeout (1 s) on each of its
// load and save, plus scheduling slack on a busy two-core machine.
const MAX_LATENCY_MS = 4_000;
const WAIT_TIMEOUT_MS = 300;
// WAIT's own timeout, plus scheduling slack on a busy two-core machine.
const DURABLE_BOUND_MS = WAIT_TIMEOUT_MS + 700;
const MAX_LOGINS = 30;

// The browser's cookie still carries its logged-in session, with the data written before the failover, and a new
// write lands on `master` (the server now serving the session) when given.
async function expectSameSessionAfterRecovery(app: SessionTestApp, browser: LoggedIn, master?: number): Promise<void> {
  const me = await app.http().get('/me').set('Cookie', cookieHeader(browser.cookie)).expect(200);
  expect(me.body).toEqual({ userId: browser.userId, id: browser.sessionId });
  const marker = randomBytes(4).toString('hex');
  const session = await app
    .http()
    .post('/session')
    .set('Cookie', cookieHeader(browser.cookie))
    .send({ set: { marker } })
    .expect(200);
  expect(session.body.data).toMatchObject({ cart: ['kept'], marker });
  if (master !== undefined) {
    const stored = await nodeCommand(master, ['GET', `${app.prefix}${browser.sessionId}`]);
    expect(JSON.parse(String(stored))).toMatchObject({ marker });
  }
}

async function runFailover(
  app: SessionTestApp,
  browsers: LoggedIn[],
  fail: () => Promise<void>,
): Promise<ReturnType<typeof summarize>> {
  const traffic = new SessionTraffic(app, browsers);
  try {
    const warmUp = performance.now();
    for (let user = 0; user < browsers.length; user++) {
      await traffic.waitForSuccesses(user, warmUp, WARM_UP_SUCCESSES, 5_000);
    }
    const failedAt = performance.now();
    await fail();
    const failedOver = performance.now();
    for (let user = 0; user < browsers.length; user++) {
      await traffic.waitForSuccesses(user, failedOver, SUCCESSES_AFTER, FAILOVER_TIMEOUT_MS);
    }
    return summarize(await traffic.stop(), failedAt);
  } finally {
    await traffic.stop();
  }
}

describe('SessionModule during failovers', () => {
  const rejections = watchUnhandledRejections();

  afterAll(() => {
    rejections.expectNone();
  });

  describe('on a Redis Cluster when the master of a session is killed (SIGKILL)', () => {
    let topology: RedisClusterTopology;
    let app: SessionTestApp;

    beforeAll(async () => {
      topology = await RedisClusterTopology.start({ masters: 3, replicasPerMaster: 1 });
      app = await createSessionApp({ cluster: { nodes: topology.nodes } });
    }, TOPOLOGY_TIMEOUT_MS);

    afterAll(async () => {
      await app?.close();
      await topology?.stop();
    });

    it(
      'answers only 200 or 503, never anonymous, no cookie on 503, and recovers with the same cookies',
      async () => {
        const browsers = await Promise.all(['alice', 'bob', 'carol'].map((userId) => logIn(app, userId)));
        const victim = (await topology.masterOf(`${app.prefix}${browsers[0]!.sessionId}`)).port;
        await Promise.all((await topology.masters()).map((master) => waitForReplication(master.port)));

        const figures = await runFailover(app, browsers, async () => {
          await topology.kill(victim, 'SIGKILL');
          await topology.waitForFailover(victim, FAILOVER_TIMEOUT_MS);
        });
        process.stdout.write(`session cluster failover (SIGKILL a master): ${JSON.stringify(figures)}\n`);

        expect(figures.problems).toEqual([]);
        expect(figures.unavailable).toBeGreaterThan(0);
        expect(figures.maxLatencyMs).toBeLessThan(MAX_LATENCY_MS);
        for (const browser of browsers) await expectSameSessionAfterRecovery(app, browser);
      },
      TOPOLOGY_TIMEOUT_MS,
    );

    describe('with durableDestroy', () => {
      let durable: SessionTestApp;

      beforeAll(async () => {
        durable = await createSessionApp({
          cluster: { nodes: topology.nodes },
          durableDestroy: { replicas: 1, timeoutMs: WAIT_TIMEOUT_MS },
        });
      });

      afterAll(async () => {
        await durable?.close();
      });

      // A browser whose session's master has a live replica (a master killed by another test has none).
      async function replicatedLogin(): Promise<{ browser: LoggedIn; master: number; replica: number }> {
        for (let attempt = 0; attempt < MAX_LOGINS; attempt++) {
          const browser = await logIn(durable, `durable-${randomBytes(4).toString('hex')}`);
          const master = await topology.masterOf(`${durable.prefix}${browser.sessionId}`);
          const replica = (await topology.replicas()).find((node) => node.masterId === master.id && !node.failing);
          if (replica) {
            await waitForReplication(master.port);
            return { browser, master: master.port, replica: replica.port };
          }
        }
        throw new Error(`no session landed on a master with a live replica in ${MAX_LOGINS} logins`);
      }

      it('waits for the replica of the master that deleted the session: 503 when it stalls', async () => {
        const { browser, master, replica } = await replicatedLogin();
        await topology.kill(replica, 'SIGSTOP');
        try {
          const started = performance.now();
          const logout = await durable.http().post('/destroy').set('Cookie', cookieHeader(browser.cookie));
          const ms = performance.now() - started;
          expect(logout.status).toBe(503);
          expect(findSetCookie(logout.headers, 'sessionid')).toBeUndefined();
          expect(ms).toBeLessThan(DURABLE_BOUND_MS);
        } finally {
          await topology.kill(replica, 'SIGCONT');
        }
        await waitForReplication(master);
      });

      it('keeps a confirmed logout when the master is killed right after it', async () => {
        const { browser, master } = await replicatedLogin();
        await durable.http().post('/destroy').set('Cookie', cookieHeader(browser.cookie)).expect(200);
        await topology.kill(master, 'SIGKILL');
        await topology.waitForFailover(master, FAILOVER_TIMEOUT_MS);

        await waitFor(
          async () => (await durable.http().get('/me').set('Cookie', cookieHeader(browser.cookie))).status === 200,
          FAILOVER_TIMEOUT_MS,
          'sessions did not recover after the failover',
        );
        const me = await durable.http().get('/me').set('Cookie', cookieHeader(browser.cookie)).expect(200);
        expect(me.body.userId).toBeNull();
      });
    });
  });

  describe('on Sentinel (a master, a replica, three sentinels)', () => {
    let topology: RedisSentinelTopology | undefined;
    let app: SessionTestApp | undefined;

    afterEach(async () => {
      await app?.close();
      await topology?.stop();
    });

    it.each<[string, (topology: RedisSentinelTopology, oldMaster: number) => Promise<void>]>([
      ['SENTINEL FAILOVER', (sentinel) => sentinel.failover(FAILOVER_TIMEOUT_MS).then(() => undefined)],
      [
        'SIGKILL of the master',
        async (sentinel, oldMaster) => {
          await sentinel.kill(oldMaster, 'SIGKILL');
          await sentinel.waitForNewMaster(oldMaster, FAILOVER_TIMEOUT_MS);
        },
      ],
    ])(
      'during %s: answers only 200 or 503, never anonymous, no cookie on 503, and follows the new master',
      async (name, fail) => {
        topology = await RedisSentinelTopology.start({ name: 'stash-session' });
        app = await createSessionApp({ sentinels: topology.sentinels, name: topology.name });
        const browsers = await Promise.all(['dave', 'erin'].map((userId) => logIn(app!, userId)));
        const oldMaster = await topology.master();
        // The first full sync of a replica is diskless and starts after a delay (5 s by default).
        await waitForReplication(oldMaster, 10_000);

        const figures = await runFailover(app, browsers, () => fail(topology!, oldMaster));
        process.stdout.write(`session sentinel failover (${name}): ${JSON.stringify(figures)}\n`);

        expect(figures.problems).toEqual([]);
        expect(figures.maxLatencyMs).toBeLessThan(MAX_LATENCY_MS);
        const newMaster = await topology.master();
        expect(newMaster).not.toBe(oldMaster);
        for (const browser of browsers) await expectSameSessionAfterRecovery(app, browser, newMaster);
      },
      SENTINEL_TEST_TIMEOUT_MS,
    );
  });
});
