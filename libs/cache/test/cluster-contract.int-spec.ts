import { createCache, defaultKeyFunction } from '@stash/cache';
import { RedisClusterTopology } from '../../../test/support/redis-cluster.js';
import { nodeCommand } from '../../../test/support/redis-node-process.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { describeCacheContract } from './support/cache-contract.js';
import { newLogger } from './support/contract-harness.js';

let topology: RedisClusterTopology | undefined;
const nodes = () => topology?.nodes ?? [];

beforeAll(async () => {
  topology = await RedisClusterTopology.start({ masters: 3, replicasPerMaster: 1 });
}, 30_000);
afterAll(() => topology?.stop());

describeCacheContract('redis cluster (3 masters, 1 replica each)', (keyPrefix) => ({
  cluster: { nodes: nodes() },
  keyPrefix,
}));

describe('CacheService on a cluster: key placement', () => {
  it('spreads one cache prefix over every master', async () => {
    const prefix = uniquePrefix('spread');
    const cache = createCache({ cluster: { nodes: nodes() }, keyPrefix: prefix }, newLogger());
    try {
      expect(await cache.ready()).toBe(true);
      const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
      await cache.setMany(Object.fromEntries(keys.map((key) => [key, key])));
      expect([...(await cache.getMany(keys)).values()]).toEqual(keys);

      // Ask each master what it holds: every one must have some of the keys, and together all of them.
      const perMaster = await Promise.all(
        (await topology!.masters()).map((master) => keysOn(master.port, `${prefix}:*`)),
      );
      expect(perMaster.every((held) => held.length > 0)).toBe(true);
      expect(perMaster.flat().sort()).toEqual(keys.map((key) => defaultKeyFunction(key, prefix, 1)).sort());
      expect(await cache.clear()).toBe(30);
    } finally {
      await cache.close();
    }
  });
});

async function keysOn(port: number, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = (await nodeCommand(port, ['SCAN', cursor, 'MATCH', pattern, 'COUNT', 500])) as [
      string,
      string[],
    ];
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}
