import { defaultKeyFunction } from '@stash/cache';
import { RedisSentinelTopology } from '../../../test/support/redis-sentinel.js';
import { nodeCommand } from '../../../test/support/redis-node-process.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { expectRecoveryWithinBounds } from './support/failover-recovery.js';
import { failoverSuite } from './support/failover-suite.js';

const suite = failoverSuite(() => RedisSentinelTopology.start({ name: 'stash-test' }));

describe('CacheService on Redis Sentinel when the master changes', () => {
  it.each<[string, (old: number) => Promise<void>]>([
    ['SENTINEL FAILOVER', async () => void (await suite.topology.failover())],
    ['the master is killed (SIGKILL)', (old) => suite.topology.kill(old, 'SIGKILL')],
  ])(
    'fails open within the command timeout during %s, then serves hits from the new master',
    async (name, change) => {
      const topology = suite.topology;
      const prefix = uniquePrefix('sentinel');
      const { cache, load } = await suite.loadedCache({
        sentinels: topology.sentinels,
        name: topology.name,
        keyPrefix: prefix,
      });

      const old = await topology.master();
      const startedAt = performance.now();
      await change(old);
      const promoted = await topology.waitForNewMaster(old, 20_000);
      const failoverMs = performance.now() - startedAt;
      await expectRecoveryWithinBounds({
        label: `sentinel: ${name}`,
        cache,
        load,
        keys: load.keys(),
        startedAt,
        failoverMs,
        notRecovered: 'hits did not come back after the failover',
      });
      expect(promoted).not.toBe(old);
      await cache.set('after', 'new master', 60);
      expect(await cache.get('after')).toBe('new master');
      expect(await nodeCommand(promoted, ['EXISTS', defaultKeyFunction('after', prefix, 1)])).toBe(1);
    },
    60_000,
  );
});
