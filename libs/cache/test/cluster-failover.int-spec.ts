import { createCache, defaultKeyFunction, type CacheService } from '@stash/cache';
import { RedisClusterTopology } from '../../../test/support/redis-cluster.js';
import { waitFor } from '../../../test/support/redis-server.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';
import { CacheLoad } from './support/cache-load.js';
import { newLogger } from './support/contract-harness.js';
import {
  expectFailOpenWithin,
  FAILOVER_BOUNDS_MS as BOUNDS_MS,
  FAILOVER_CACHE_OPTIONS,
  printFigures,
} from './support/failover-figures.js';

let topology: RedisClusterTopology | undefined;
const caches: CacheService[] = [];
const rejections = watchUnhandledRejections();

beforeAll(async () => {
  topology = await RedisClusterTopology.start({ masters: 3, replicasPerMaster: 1 });
}, 30_000);
afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
});
afterAll(async () => {
  await topology?.stop();
  rejections.expectNone();
});

/** A cluster cache on a fresh prefix, with a load already running on it. */
async function loadedCache(): Promise<{ cache: CacheService; load: CacheLoad; prefix: string }> {
  const prefix = uniquePrefix('failover');
  const cache = createCache(
    { cluster: { nodes: topology!.nodes }, keyPrefix: prefix, ...FAILOVER_CACHE_OPTIONS },
    newLogger(),
  );
  caches.push(cache);
  expect(await cache.ready()).toBe(true);
  const load = new CacheLoad(cache);
  load.start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { cache, load, prefix };
}

async function keysServedBy(port: number, keys: string[], prefix: string): Promise<string[]> {
  const served: string[] = [];
  for (const key of keys) {
    if ((await topology!.masterOf(defaultKeyFunction(key, prefix, 1))).port === port) served.push(key);
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
      const { cache, load, prefix } = await loadedCache();
      const victim = (await topology!.masters())[0].port;
      const victimKeys = await keysServedBy(victim, load.keys(), prefix);
      expect(victimKeys.length).toBeGreaterThan(0);

      const killedAt = performance.now();
      await topology!.kill(victim, signal);
      const promoted = await topology!.waitForFailover(victim, 15_000);
      const failoverMs = performance.now() - killedAt;
      await waitFor(
        () => load.hitSince(victimKeys, killedAt + failoverMs) && cache.stats().breaker === 'closed',
        10_000,
        'hits on the failed master’s keys did not come back',
      );
      const recoveryMs = performance.now() - killedAt;
      const report = await load.stop();

      const figures = expectFailOpenWithin(report, BOUNDS_MS);
      printFigures(`cluster master ${signal}`, {
        failoverMs: Math.round(failoverMs),
        recoveryMs: Math.round(recoveryMs),
        calls: report.calls,
        faults: cache.stats().errors,
        olderValues: report.olderValues,
        ...figures,
      });
      expect(promoted).not.toBe(victim);
      await cache.set(victimKeys[0], 'after', 60);
      expect(await cache.get(victimKeys[0])).toBe('after');
      expect((await topology!.masterOf(defaultKeyFunction(victimKeys[0], prefix, 1))).port).toBe(promoted);

      if (signal === 'SIGSTOP') await topology!.kill(victim, 'SIGCONT');
      else await topology!.restart(victim);
      await topology!.waitUntilSettled(15_000);
    },
    60_000,
  );
});
