import { randomBytes } from 'node:crypto';
import { CacheModule } from '@stash/cache';
import { SessionConfigError } from '@stash/session';
import { Cluster } from 'ioredis';
import { RedisClusterTopology } from '../../../test/support/redis-cluster.js';
import { cookieHeader, findSetCookie, sessionIdOf } from '../../../test/support/set-cookie.js';
import { createSessionApp, type SessionTestApp } from './support/session-test-app.js';
import { TestGates } from './support/test-gates.js';

const TOPOLOGY_TIMEOUT_MS = 30_000;
// Enough logins for random session ids to land on all three masters (each misses one with p = (2/3)^n).
const MAX_DEVICES = 40;

interface Listed {
  readonly id: string;
  readonly current: boolean;
}

describe('SessionModule on a Redis Cluster (3 masters)', () => {
  let topology: RedisClusterTopology;
  let app: SessionTestApp;
  let redis: Cluster;

  const newUser = () => `user-${randomBytes(4).toString('hex')}`;
  const sessionKey = (id: string, target = app) => `${target.prefix}${id}`;
  const indexKey = (userId: string, family: 'user' | 'seen' = 'user', target = app) =>
    `${target.prefix.slice(0, -1)}~${family}:{${userId}}`;
  const masterPort = async (key: string) => (await topology.masterOf(key)).port;

  async function device(userId: string, target = app) {
    const browser = target.browser();
    const login = await browser.post('/login').set('User-Agent', 'Test/1.0').send({ userId }).expect(200);
    const cookie = findSetCookie(login.headers, 'sessionid')!;
    expect(sessionIdOf(cookie)).toBe(login.body.id);
    return { browser, id: login.body.id as string, cookie };
  }

  beforeAll(async () => {
    topology = await RedisClusterTopology.start({ masters: 3, replicasPerMaster: 0 });
    app = await createSessionApp({ cluster: { nodes: topology.nodes } });
    redis = new Cluster(topology.nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
  }, TOPOLOGY_TIMEOUT_MS);

  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await topology?.stop();
  });

  it('stores a logged-in session with its data, its index sets in one slot', async () => {
    const userId = newUser();
    const { browser, id } = await device(userId);
    await browser
      .post('/session')
      .send({ set: { cart: ['apple'] } })
      .expect(200);

    const read = await browser.get('/session').expect(200);
    expect(read.body).toEqual({ id, data: { cart: ['apple'], _stash: expect.objectContaining({ userId }) } });
    expect(JSON.parse((await redis.get(sessionKey(id)))!)).toMatchObject({ cart: ['apple'] });
    expect(await redis.zrange(indexKey(userId), '0', '-1')).toEqual([id]);
    expect(await redis.zrange(indexKey(userId, 'seen'), '0', '-1')).toEqual([id]);
    expect(await topology.slotOf(indexKey(userId))).toBe(await topology.slotOf(indexKey(userId, 'seen')));
  });

  it('lists and destroys a user’s sessions spread over every master ("log out everywhere")', async () => {
    const userId = newUser();
    const devices: Array<Awaited<ReturnType<typeof device>>> = [];
    const masters = new Set<number>();
    while (masters.size < 3 && devices.length < MAX_DEVICES) {
      const next = await device(userId);
      devices.push(next);
      masters.add(await masterPort(sessionKey(next.id)));
    }
    expect(masters.size).toBe(3);

    const current = devices.at(-1)!;
    const listed = (await current.browser.get('/me/sessions').expect(200)).body as Listed[];
    expect(listed.map((session) => session.id).sort()).toEqual(devices.map((d) => d.id).sort());
    expect(listed.filter((session) => session.current).map((session) => session.id)).toEqual([current.id]);

    const destroyed = await current.browser.post('/me/logout-others').expect(200);
    expect(destroyed.body).toEqual({ destroyed: devices.length - 1 });
    for (const other of devices.slice(0, -1)) {
      expect(await redis.exists(sessionKey(other.id))).toBe(0);
      expect((await other.browser.get('/me').expect(200)).body.userId).toBeNull();
    }
    expect(await redis.zrange(indexKey(userId), '0', '-1')).toEqual([current.id]);
    expect(await redis.zrange(indexKey(userId, 'seen'), '0', '-1')).toEqual([current.id]);
    expect((await current.browser.get('/me').expect(200)).body).toEqual({ userId, id: current.id });
  });

  it('prunes index entries of sessions deleted behind its back', async () => {
    const userId = newUser();
    const kept = await device(userId);
    const dropped = await device(userId);
    await redis.del(sessionKey(dropped.id));

    const listed = (await kept.browser.get('/me/sessions').expect(200)).body as Listed[];
    expect(listed.map((session) => session.id)).toEqual([kept.id]);
    expect(await redis.zrange(indexKey(userId), '0', '-1')).toEqual([kept.id]);
    expect(await redis.zrange(indexKey(userId, 'seen'), '0', '-1')).toEqual([kept.id]);
  });

  it('cycles the id on login and deletes the session and its index entry on logout', async () => {
    const userId = newUser();
    const browser = app.browser();
    const anonymous = await browser
      .post('/session')
      .send({ set: { theme: 'dark' } })
      .expect(200);
    const login = await browser.post('/login').send({ userId }).expect(200);
    expect(login.body.id).not.toBe(anonymous.body.id);
    expect(await redis.exists(sessionKey(anonymous.body.id))).toBe(0);
    expect(JSON.parse((await redis.get(sessionKey(login.body.id)))!)).toMatchObject({ theme: 'dark' });

    await browser.post('/logout').expect(200);
    expect(await redis.exists(sessionKey(login.body.id))).toBe(0);
    expect(await redis.exists(indexKey(userId), indexKey(userId, 'seen'))).toBe(0);
  });

  it('merges concurrent writes of one session (compare-and-set on its master)', async () => {
    const { id, cookie } = await device(newUser());
    const gateName = `gate-${randomBytes(4).toString('hex')}`;
    const gate = TestGates.create(gateName);
    const slow = app
      .http()
      .post('/session/slow')
      .set('Cookie', cookieHeader(cookie))
      .send({ set: { a: 'slow' }, gate: gateName })
      .then((response) => response);
    await gate.reached;
    await app
      .http()
      .post('/session')
      .set('Cookie', cookieHeader(cookie))
      .send({ set: { b: 'fast' } })
      .expect(200);
    gate.open();
    expect((await slow).status).toBe(200);

    expect(JSON.parse((await redis.get(sessionKey(id)))!)).toMatchObject({ a: 'slow', b: 'fast' });
  });

  it('keeps the index entry’s expiry at or after its session’s when a rolling session is touched', async () => {
    const rolling = await createSessionApp({ cluster: { nodes: topology.nodes }, rolling: true, ttl: 600 });
    try {
      const userId = newUser();
      const { browser, id } = await device(userId, rolling);
      const before = Date.now();
      const touched = await browser.get('/session').expect(200);
      expect(findSetCookie(touched.headers, 'sessionid')).toBeDefined();

      const expiresAt = Number(await redis.zscore(indexKey(userId, 'user', rolling), id));
      const seenAt = Number(await redis.zscore(indexKey(userId, 'seen', rolling), id));
      const sessionExpiresAt = Number(await redis.call('PEXPIRETIME', sessionKey(id, rolling)));
      expect(expiresAt).toBeGreaterThanOrEqual(sessionExpiresAt);
      expect(sessionExpiresAt).toBeGreaterThanOrEqual(before + 600_000 - 1_000);
      expect(seenAt).toBeGreaterThanOrEqual(before);
    } finally {
      await rolling.close();
    }
  });

  it('borrows the connection settings of a cache on the cluster (`cache` option)', async () => {
    const borrowing = await createSessionApp(
      { cache: 'default' },
      { imports: [CacheModule.forRoot({ cluster: { nodes: topology.nodes } })] },
    );
    try {
      const userId = newUser();
      const { browser, id } = await device(userId, borrowing);
      expect(await redis.exists(sessionKey(id, borrowing))).toBe(1);
      const listed = (await browser.get('/me/sessions').expect(200)).body as Listed[];
      expect(listed.map((session) => session.id)).toEqual([id]);
    } finally {
      await borrowing.close();
    }
  });

  it("runs connect-redis's own ids/all/length/clear over every master", async () => {
    const store = await createSessionApp({ cluster: { nodes: topology.nodes } });
    try {
      const ids: string[] = [];
      const masters = new Set<number>();
      while (masters.size < 3 && ids.length < MAX_DEVICES) {
        const created = await store
          .http()
          .post('/session')
          .send({ set: { n: ids.length } })
          .expect(200);
        ids.push(created.body.id);
        masters.add(await masterPort(sessionKey(created.body.id, store)));
      }
      expect(masters.size).toBe(3);
      const call = async (method: string) => (await store.http().post(`/store/${method}`).expect(200)).body.result;

      expect(((await call('ids')) as string[]).sort()).toEqual([...ids].sort());
      expect(await call('length')).toBe(ids.length);
      const all = (await call('all')) as Array<{ id: string; n: number }>;
      expect(all.map((session) => [session.id, session.n]).sort()).toEqual(ids.map((id, n) => [id, n]).sort());
      await call('clear');
      expect(await Promise.all(ids.map((id) => redis.exists(sessionKey(id, store))))).toEqual(ids.map(() => 0));
    } finally {
      await store.close();
    }
  });

  it('refuses at bootstrap a prefix whose braces would take over the index hash tag', async () => {
    await expect(createSessionApp({ cluster: { nodes: topology.nodes }, prefix: 'sess{x}:' })).rejects.toThrow(
      SessionConfigError,
    );
  });
});
