import { randomBytes } from 'node:crypto';
import { nodeCommand } from '../support/redis-node-process.js';
import { waitFor } from '../support/redis-server.js';
import { RedisSentinelTopology } from '../support/redis-sentinel.js';
import { recordResult } from '../tools/reliability-log.js';
import { addressList } from './cookbook-pair.js';
import { cookbookPairPerSuite } from './cookbook-pair-per-suite.js';
import { get, send, signIn, whoAmI } from './instance-http.js';

// Issue 8: two cookbook processes configured with REDIS_SENTINELS and REDIS_SENTINEL_NAME only (one master, one
// replica, three sentinels): the caches, the sessions and the counters follow the master the sentinels name,
// also after a failover, without a restart.
const START_TIMEOUT_MS = 120_000;
/** After the new master is elected, sessions and writes work again within this. */
const RECOVERS_WITHIN_MS = 15_000;

describe('the cookbook behind Redis sentinels (two instances, REDIS_SENTINELS)', () => {
  const suite = cookbookPairPerSuite({
    label: 'on-sentinel',
    startTopology: () => RedisSentinelTopology.start({ name: 'stash-cookbook' }),
    redisEnv: (topology) => ({
      REDIS_SENTINELS: addressList(topology.sentinels),
      REDIS_SENTINEL_NAME: topology.name,
    }),
    timeoutMs: START_TIMEOUT_MS,
  });

  /** Alice writes recipe 6 on A; B's next reads miss and show it, then hit with it. */
  async function expectWriteOnASeenOnB(cookie: string): Promise<void> {
    const { a, b } = suite.pair;
    const path = '/api/recipes/6';
    await get(b.url, path).expect(200);
    expect((await get(b.url, path).expect(200)).headers['x-cache']).toBe('HIT');
    const description = `Written on A through the sentinels ${randomBytes(4).toString('hex')}`;
    await send(a.url, 'patch', path, { description }, cookie).expect(200);
    const reads = [await get(b.url, path).expect(200), await get(b.url, path).expect(200)];
    expect(reads.map((read) => [read.headers['x-cache'], read.text.includes(description)])).toEqual([
      ['MISS', true],
      ['HIT', true],
    ]);
  }

  it('shares sessions and invalidations between A and B, before and after a SENTINEL FAILOVER', async () => {
    const { a, b } = suite.pair;
    const alice = await signIn(a.url, 'alice');
    expect(await whoAmI(b.url, alice.cookie)).toBe('alice');
    await expectWriteOnASeenOnB(alice.cookie);

    const oldMaster = await suite.topology.master();
    // The session is on the master the sentinels name, not on some default Redis.
    expect(await nodeCommand(oldMaster, ['EXISTS', `${suite.pair.prefix}-session:${alice.sessionId}`])).toBe(1);
    const failoverStarted = performance.now();
    const newMaster = await suite.topology.failover();
    const electedMs = performance.now() - failoverStarted;
    expect(newMaster).not.toBe(oldMaster);

    // The session was replicated before the failover: the same cookie works on both once they follow the new master.
    await waitFor(
      async () => (await whoAmI(a.url, alice.cookie)) === 'alice' && (await whoAmI(b.url, alice.cookie)) === 'alice',
      RECOVERS_WITHIN_MS,
      "alice's session did not work again on both instances after the failover",
    );
    const sessionsBackMs = performance.now() - failoverStarted;
    expect(await nodeCommand(newMaster, ['EXISTS', `${suite.pair.prefix}-session:${alice.sessionId}`])).toBe(1);
    await expectWriteOnASeenOnB(alice.cookie);
    await send(b.url, 'post', '/api/logout', {}, alice.cookie).expect(204);
    expect(await whoAmI(a.url, alice.cookie)).toBe(401);

    recordResult('scale', 'cookbook behind sentinels: SENTINEL FAILOVER', { electedMs, sessionsBackMs });
  });
});
