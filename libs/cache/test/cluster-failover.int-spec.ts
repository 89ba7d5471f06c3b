import { defaultKeyFunction } from '@stash/cache';
import { RedisClusterTopology } from '../../../test/support/redis-cluster.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { expectRecoveryWithinBounds } from './support/failover-recovery.js';
import { failoverSuite } from './support/failover-suite.js';

const suite = failoverSuite(() => RedisClusterTopology.start({ masters: 3, replicasPerMaster: 1 }));

async function keysServedBy(port: number, keys: string[], prefix: string): Promise<string[]> {
  const served: string[] = [];
  for (const key of keys) {
    if ((await suite.topology.masterOf(defaultKeyFunction(key, prefix, 1))).port === port) served.push(key);
  }
  return served;
}

describe('CacheService on a Redis Cluster when a master fails', () => {
  it.each<[string, NodeJS.Signals]>([
    ['is killed (SIGKILL)', 'SIGKILL'],
    ['stalls (SIGSTOP)', 'SIGSTOP'],
  ])(
    'fails open within the command timeout while a master %s, and serves hits again after the promotion',
    async (_name, signal) => {
      const topology = suite.topology;
      const prefix = uniquePrefix('failover');
      const { cache, load } = await suite.loadedCache({ cluster: { nodes: topology.nodes }, keyPrefix: prefix });
      const victim = (await topology.masters())[0].port;
      const victimKeys = await keysServedBy(victim, load.keys(), prefix);
      expect(victimKeys.length).toBeGreaterThan(0);

      const killedAt = performance.now();
      await topology.kill(victim, signal);
      const promoted = await topology.waitForFailover(victim, 15_000);
      const failoverMs = performance.now() - killedAt;
      await expectRecoveryWithinBounds({
        label: `cluster master ${signal}`,
        cache,
        load,
        keys: victimKeys,
        startedAt: killedAt,
        failoverMs,
        notRecovered: 'hits on the failed master’s keys did not come back',
      });
      expect(promoted).not.toBe(victim);
      await cache.set(victimKeys[0], 'after', 60);
      expect(await cache.get(victimKeys[0])).toBe('after');
      expect((await topology.masterOf(defaultKeyFunction(victimKeys[0], prefix, 1))).port).toBe(promoted);

      if (signal === 'SIGSTOP') await topology.kill(victim, 'SIGCONT');
      else await topology.restart(victim);
      await topology.waitUntilSettled(15_000);
    },
    60_000,
  );
});
