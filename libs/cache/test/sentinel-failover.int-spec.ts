import { createCache, defaultKeyFunction, type CacheService } from '@stash/cache';
import { RedisSentinelTopology } from '../../../test/support/redis-sentinel.js';
import { nodeCommand } from '../../../test/support/redis-node-process.js';
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

let topology: RedisSentinelTopology | undefined;
const caches: CacheService[] = [];
const rejections = watchUnhandledRejections();

beforeAll(async () => {
  topology = await RedisSentinelTopology.start({ name: 'stash-test' });
}, 30_000);
afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
});
afterAll(async () => {
  await topology?.stop();
  rejections.expectNone();
});

describe('CacheService on Redis Sentinel when the master changes', () => {
  it.each<[string, (old: number) => Promise<void>]>([
    ['SENTINEL FAILOVER', async () => void (await topology!.failover())],
    ['the master is killed (SIGKILL)', (old) => topology!.kill(old, 'SIGKILL')],
  ])(
    'fails open within the command timeout during %s, then serves hits from the new master',
    async (name, change) => {
      const prefix = uniquePrefix('sentinel');
      const cache = createCache(
        { sentinels: topology!.sentinels, name: topology!.name, keyPrefix: prefix, ...FAILOVER_CACHE_OPTIONS },
        newLogger(),
      );
      caches.push(cache);
      expect(await cache.ready()).toBe(true);
      const load = new CacheLoad(cache);
      load.start();
      await new Promise((resolve) => setTimeout(resolve, 300));

      const old = await topology!.master();
      const startedAt = performance.now();
      await change(old);
      const promoted = await topology!.waitForNewMaster(old, 20_000);
      const failoverMs = performance.now() - startedAt;
      await waitFor(
        () => load.hitSince(load.keys(), startedAt + failoverMs) && cache.stats().breaker === 'closed',
        10_000,
        'hits did not come back after the failover',
      );
      const recoveryMs = performance.now() - startedAt;
      const report = await load.stop();

      const figures = expectFailOpenWithin(report, BOUNDS_MS);
      printFigures(`sentinel: ${name}`, {
        failoverMs: Math.round(failoverMs),
        recoveryMs: Math.round(recoveryMs),
        calls: report.calls,
        faults: cache.stats().errors,
        olderValues: report.olderValues,
        ...figures,
      });
      expect(promoted).not.toBe(old);
      await cache.set('after', 'new master', 60);
      expect(await cache.get('after')).toBe('new master');
      expect(await nodeCommand(promoted, ['EXISTS', defaultKeyFunction('after', prefix, 1)])).toBe(1);
    },
    60_000,
  );
});
