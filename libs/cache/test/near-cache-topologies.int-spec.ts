import type { CacheOptions, CacheService } from '@stash/cache';
import { RedisClusterTopology } from '../../../test/support/redis-cluster.js';
import { RedisSentinelTopology } from '../../../test/support/redis-sentinel.js';
import { waitFor } from '../../../test/support/redis-server.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { liveNearCache } from './support/near-caches.js';

const HEARTBEAT_MS = 100;
const BOUND_MS = 2 * HEARTBEAT_MS;

/**
 * Two caches on one prefix (two processes' worth: each has its own clients and subscriber connection): what one
 * writes, the other stops serving from its near cache within the bound, and it serves near hits in between.
 */
async function expectCoherent(writer: CacheService, reader: CacheService): Promise<void> {
  const keys = ['a', 'b', 'c', 'd', 'e'];
  for (const [i, key] of keys.entries()) await writer.set(key, `${key}1`, 60, { tags: [`tag-${i % 2}`] });
  // The writer's own invalidations may reach the reader after its first fill (later still on a cluster, where
  // messages cross the cluster bus): read until each key is served from the near cache.
  for (const key of keys) {
    await waitFor(
      async () => {
        const hits = reader.stats().nearHits;
        return (await reader.get(key)) === `${key}1` && reader.stats().nearHits > hits;
      },
      2_000,
      `near hit of ${key}`,
    );
  }

  await writer.set('a', 'a2', 60);
  await writer.invalidateTags(['tag-1']);
  const written = performance.now();
  await waitFor(
    async () => (await reader.get('a')) === 'a2' && (await reader.get('b')) === undefined,
    BOUND_MS + 100,
    'the reader follows the writer',
  );
  expect(performance.now() - written).toBeLessThan(BOUND_MS + 100);
  expect(await reader.get('c')).toBe('c1');
  await writer.clear();
  await waitFor(async () => (await reader.get('c')) === undefined, BOUND_MS + 100, 'cleared everywhere');
}

describe('near cache on other topologies', () => {
  describe('on a Redis Cluster (3 masters)', () => {
    let cluster: RedisClusterTopology | undefined;
    const caches: CacheService[] = [];
    beforeAll(async () => {
      cluster = await RedisClusterTopology.start({ masters: 3, replicasPerMaster: 0 });
    }, 60_000);
    afterAll(async () => {
      await Promise.all(caches.map((cache) => cache.close()));
      await cluster?.stop();
    });

    it('keeps two caches coherent through the cluster', async () => {
      const options: CacheOptions = {
        cluster: { nodes: cluster!.nodes },
        keyPrefix: `{${uniquePrefix('near-cluster')}}`,
        near: { heartbeatMs: HEARTBEAT_MS },
      };
      caches.push(await liveNearCache(undefined, options), await liveNearCache(undefined, options));
      await expectCoherent(caches[0]!, caches[1]!);
    }, 30_000);
  });

  describe('behind sentinels', () => {
    let sentinel: RedisSentinelTopology | undefined;
    const caches: CacheService[] = [];
    beforeAll(async () => {
      sentinel = await RedisSentinelTopology.start({ name: 'near-test' });
    }, 60_000);
    afterAll(async () => {
      await Promise.all(caches.map((cache) => cache.close()));
      await sentinel?.stop();
    });

    it('keeps two caches coherent, before and after a failover', async () => {
      const options: CacheOptions = {
        sentinels: sentinel!.sentinels,
        name: sentinel!.name,
        keyPrefix: uniquePrefix('near-sentinel'),
        near: { heartbeatMs: HEARTBEAT_MS },
      };
      caches.push(await liveNearCache(undefined, options), await liveNearCache(undefined, options));
      const [writer, reader] = caches as [CacheService, CacheService];
      await expectCoherent(writer, reader);
      await sentinel!.failover();
      await waitFor(
        async () => {
          await writer.set('probe', 1, 60);
          return reader.coherenceChannel().live && writer.coherenceChannel().live;
        },
        15_000,
        'both channels live after the failover',
      );
      await expectCoherent(writer, reader);
    }, 60_000);
  });
});
