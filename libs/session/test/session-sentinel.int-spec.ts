import { randomBytes } from 'node:crypto';
import { SessionConfigError, type SessionModuleOptions } from '@stash/session';
import { nodeCommand, waitFor } from '../../../test/support/redis-node-process.js';
import { RedisSentinelTopology } from '../../../test/support/redis-sentinel.js';
import { cookieHeader, findSetCookie } from '../../../test/support/set-cookie.js';
import { createSessionApp, type SessionTestApp } from './support/session-test-app.js';
import { logIn, waitForReplication } from './support/session-traffic.js';

const TOPOLOGY_TIMEOUT_MS = 30_000;
const WAIT_TIMEOUT_MS = 300;
// WAIT's own timeout, plus scheduling slack on a busy two-core machine.
const DURABLE_BOUND_MS = WAIT_TIMEOUT_MS + 700;

describe('SessionModule on Sentinel', () => {
  let topology: RedisSentinelTopology;
  const apps: SessionTestApp[] = [];

  const newUser = () => `user-${randomBytes(4).toString('hex')}`;
  const replicaPort = async () => {
    const master = await topology.master();
    return topology.serverPorts.find((port) => port !== master)!;
  };
  const appWith = async (options: Partial<SessionModuleOptions> = {}) => {
    const app = await createSessionApp({ sentinels: topology.sentinels, name: topology.name, ...options });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    topology = await RedisSentinelTopology.start({ name: 'stash-session-config' });
    // The first full sync of a replica is diskless and starts after a delay (5 s by default): WAIT counts it
    // only once it is online.
    await waitForReplication(await topology.master(), 10_000);
  }, TOPOLOGY_TIMEOUT_MS);

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await topology?.stop();
  });

  it("stores sessions and the user's index on the master the sentinels name", async () => {
    const app = await appWith({ role: 'master' });
    const userId = newUser();
    const browser = await logIn(app, userId);
    const master = await topology.master();

    const stored = await nodeCommand(master, ['GET', `${app.prefix}${browser.sessionId}`]);
    expect(JSON.parse(String(stored))).toMatchObject({ cart: ['kept'], _stash: { userId } });
    const listed = await app.http().get('/me/sessions').set('Cookie', cookieHeader(browser.cookie)).expect(200);
    expect(listed.body.map((session: { id: string }) => session.id)).toEqual([browser.sessionId]);
  });

  it('follows failovers through the sentinels, and closes those subscriptions on shutdown', async () => {
    // ioredis's failover detector SUBSCRIBEs to +switch-master on the sentinels; QUIT alone would leave it open.
    const subscribers = async () => {
      const lists = await Promise.all(topology.sentinels.map(({ port }) => nodeCommand(port, ['CLIENT', 'LIST'])));
      return lists.flatMap((list) => String(list).split('\n')).filter((line) => / sub=[1-9]/.test(line)).length;
    };
    const app = await createSessionApp({ sentinels: topology.sentinels, name: topology.name });
    try {
      await logIn(app, newUser());
      await waitFor(async () => (await subscribers()) > 0, 2_000, 'no failover detector subscribed to the sentinels');
    } finally {
      await app.close();
    }
    await waitFor(async () => (await subscribers()) === 0, 2_000, 'the sentinel subscriptions outlived the app');
  });

  it.each<[string, Partial<SessionModuleOptions>, string]>([
    ['sentinels without a name', { name: undefined }, '"name"'],
    ['a replica role', { role: 'slave' as 'master' }, '"role"'],
    ['a replica role in the ioredis options', { redis: { role: 'slave' } }, '"redis.role"'],
    ['sentinels and a url', { url: 'redis://127.0.0.1:1' }, '"sentinels"'],
  ])('refuses %s at bootstrap with SessionConfigError', async (_name, options, option) => {
    const failed = appWith(options);
    await expect(failed).rejects.toThrow(SessionConfigError);
    await expect(failed).rejects.toThrow(option);
  });

  describe('with durableDestroy', () => {
    const durable = { durableDestroy: { replicas: 1, timeoutMs: WAIT_TIMEOUT_MS } };

    it('answers a logout once the replica has the deletion', async () => {
      const app = await appWith(durable);
      const browser = await logIn(app, newUser());
      const key = `${app.prefix}${browser.sessionId}`;
      await waitForReplication(await topology.master());
      expect(await nodeCommand(await replicaPort(), ['EXISTS', key])).toBe(1);

      await app.http().post('/destroy').set('Cookie', cookieHeader(browser.cookie)).expect(200);
      expect(await nodeCommand(await replicaPort(), ['EXISTS', key])).toBe(0);
    });

    // With a command timeout shorter than WAIT's own, WAIT still answers (0 replicas) before the command timer.
    it.each<[string, Partial<SessionModuleOptions>]>([
      ['', durable],
      [
        ', even with a command timeout shorter than WAIT',
        { ...durable, redis: { commandTimeout: WAIT_TIMEOUT_MS / 2 } },
      ],
    ])(
      'answers 503 without a cookie, within the WAIT timeout, when the replica does not acknowledge%s',
      async (_name, options) => {
        const app = await appWith(options);
        const browser = await logIn(app, newUser());
        const replica = await replicaPort();
        await topology.kill(replica, 'SIGSTOP');
        try {
          const started = performance.now();
          const logout = await app.http().post('/destroy').set('Cookie', cookieHeader(browser.cookie));
          const ms = performance.now() - started;
          expect(logout.status).toBe(503);
          expect(findSetCookie(logout.headers, 'sessionid')).toBeUndefined();
          expect(ms).toBeGreaterThanOrEqual(WAIT_TIMEOUT_MS - 50);
          expect(ms).toBeLessThan(DURABLE_BOUND_MS);
          expect(app.logger.warn).toHaveBeenCalledWith(expect.stringMatching(/Only 0 of 1 replica/));
        } finally {
          await topology.kill(replica, 'SIGCONT');
        }
        // The master did delete it: the cookie is anonymous now, and stays so once the replica catches up.
        await waitForReplication(await topology.master());
        const me = await app.http().get('/me').set('Cookie', cookieHeader(browser.cookie)).expect(200);
        expect(me.body.userId).toBeNull();
      },
    );
  });
});
