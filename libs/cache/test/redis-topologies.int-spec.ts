import { jest } from '@jest/globals';
import { Cluster, Redis } from 'ioredis';
import { RedisClusterTopology } from '../../../test/support/redis-cluster.js';
import { RedisSentinelTopology } from '../../../test/support/redis-sentinel.js';

jest.setTimeout(30_000);

describe('test topologies', () => {
  describe('RedisClusterTopology', () => {
    let cluster: RedisClusterTopology | undefined;
    let client: Cluster | undefined;
    afterAll(async () => {
      client?.disconnect();
      await cluster?.stop();
      await cluster?.stop();
    });

    it('starts 3 masters with a replica each, serves keys, fails over a killed master and stops', async () => {
      cluster = await RedisClusterTopology.start({ masters: 3, replicasPerMaster: 1 });
      expect(cluster.nodes).toHaveLength(6);
      expect(await cluster.masters()).toHaveLength(3);
      expect(await cluster.replicas()).toHaveLength(3);

      client = new Cluster(cluster.nodes, { redisOptions: { commandTimeout: 1_000 } });
      await client.set('topology:a', '1');
      expect(await client.get('topology:a')).toBe('1');

      const victim = await cluster.masterOf('topology:a');
      await cluster.kill(victim.port, 'SIGKILL');
      const promoted = await cluster.waitForFailover(victim.port, 15_000);
      expect(promoted).not.toBe(victim.port);
      expect((await cluster.masterOf('topology:a')).port).toBe(promoted);

      await cluster.restart(victim.port);
      await cluster.waitUntilSettled(15_000);
      expect((await cluster.replicas()).map((node) => node.port)).toContain(victim.port);
    });
  });

  describe('RedisSentinelTopology', () => {
    let topology: RedisSentinelTopology | undefined;
    afterAll(async () => {
      await topology?.stop();
      await topology?.stop();
    });

    it('starts a master, a replica and 3 sentinels, fails over on request and stops', async () => {
      topology = await RedisSentinelTopology.start({ name: 'stash-test' });
      expect(topology.sentinels).toHaveLength(3);
      const first = await topology.master();
      expect(topology.serverPorts).toContain(first);

      const second = await topology.failover();
      expect(second).not.toBe(first);
      expect(topology.serverPorts).toContain(second);

      const client = new Redis({ sentinels: topology.sentinels, name: topology.name, commandTimeout: 1_000 });
      try {
        await client.set('topology:b', '2');
        expect(await client.get('topology:b')).toBe('2');
        expect(await client.info('server')).toContain(`tcp_port:${second}`);
      } finally {
        client.disconnect();
      }
    });
  });
});
