import { createCache, defaultKeyFunction, type CacheService } from '@stash/cache';
import { RedisClusterTopology } from '../../../test/support/redis-cluster.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { CacheLoad } from './support/cache-load.js';
import { newLogger } from './support/contract-harness.js';
import { printFigures } from './support/failover-figures.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';

const COMMAND_TIMEOUT_MS = 250;
// One command timeout, plus scheduling slack on a two-core machine shared with the cluster's six processes.
const BOUND_MS = COMMAND_TIMEOUT_MS + 250;

let topology: RedisClusterTopology | undefined;
let cache: CacheService | undefined;
const rejections = watchUnhandledRejections();

beforeAll(async () => {
  topology = await RedisClusterTopology.start({ masters: 3, replicasPerMaster: 1 });
}, 30_000);
afterAll(async () => {
  await cache?.close();
  await topology?.stop();
  rejections.expectNone();
});

describe('CacheService on a Redis Cluster while slots move (resharding)', () => {
  it('answers every call with the right value or a miss, within the command timeout', async () => {
    const prefix = uniquePrefix('reshard');
    cache = createCache(
      { cluster: { nodes: topology!.nodes }, keyPrefix: prefix, commandTimeout: COMMAND_TIMEOUT_MS },
      newLogger(),
    );
    expect(await cache.ready()).toBe(true);
    const load = new CacheLoad(cache);
    load.start();
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Move every slot that holds one of the load's keys to another master, one key at a time.
    const masters = (await topology!.masters()).map((master) => master.port);
    const slots = new Set<number>();
    for (const key of load.keys()) slots.add(await topology!.slotOf(defaultKeyFunction(key, prefix, 1)));
    let movedKeys = 0;
    const started = performance.now();
    for (const slot of slots) {
      const owner = (await topology!.view()).find((node) =>
        node.slots.some(([lo, hi]) => slot >= lo && slot <= hi),
      )!.port;
      const target = masters[(masters.indexOf(owner) + 1) % masters.length];
      movedKeys += await topology!.migrateSlot(slot, target, 10);
    }
    const reshardMs = Math.round(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const report = await load.stop();

    printFigures('cluster resharding under load', {
      slots: slots.size,
      movedKeys,
      reshardMs,
      faults: cache.stats().errors,
      calls: report.calls,
      latency: report.latency,
    });
    expect(slots.size).toBeGreaterThan(40);
    expect(movedKeys).toBeGreaterThanOrEqual(slots.size);
    expect(report.wrongValues).toEqual([]);
    expect(report.thrown).toEqual([]);
    for (const [op, figures] of Object.entries(report.latency)) {
      expect([op, figures.maxMs < (op === 'getOrSet' ? 2 * COMMAND_TIMEOUT_MS + 250 : BOUND_MS)]).toEqual([op, true]);
    }
    // Every load key reads back from its new master.
    expect((await cache.getMany(load.keys())).size).toBe(load.keys().length);
    expect(cache.stats().breaker).toBe('closed');
  }, 60_000);
});
