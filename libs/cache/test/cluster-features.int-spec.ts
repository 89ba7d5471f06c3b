import { Controller, Get, Req } from '@nestjs/common';
import { CachePage, CacheThrottlerStorage, createCache, defaultKeyFunction, type CacheService } from '@stash/cache';
import type { Request } from 'express';
import request from 'supertest';
import { groupBySlot } from '../src/store/slot-groups.js';
import { RedisClusterTopology } from '../../../test/support/redis-cluster.js';
import { nodeCommand } from '../../../test/support/redis-node-process.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { newLogger } from './support/contract-harness.js';
import { expectHit, expectMiss, pageApp, Runs } from './support/page-cache-app.js';

let topology: RedisClusterTopology;
const opened: CacheService[] = [];

beforeAll(async () => {
  topology = await RedisClusterTopology.start({ masters: 3, replicasPerMaster: 1 });
}, 30_000);
afterEach(async () => {
  await Promise.all(opened.splice(0).map(async (cache) => (await cache.clear(), await cache.close())));
});
afterAll(() => topology?.stop());

async function clusterCache(prefix = uniquePrefix('cf')): Promise<CacheService> {
  const cache = createCache({ cluster: { nodes: topology.nodes }, keyPrefix: prefix }, newLogger());
  opened.push(cache);
  expect(await cache.ready()).toBe(true);
  return cache;
}

/** What each master holds under `pattern`, asked of the masters themselves. */
async function keysPerMaster(pattern: string): Promise<string[][]> {
  return Promise.all(
    (await topology.masters()).map(async (master) => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const reply = (await nodeCommand(master.port, ['SCAN', cursor, 'MATCH', pattern, 'COUNT', 500])) as [
          string,
          string[],
        ];
        [cursor] = reply;
        keys.push(...reply[1]);
      } while (cursor !== '0');
      return keys;
    }),
  );
}

describe('CacheService on a Redis Cluster', () => {
  it('computes the hash slots the cluster computes', async () => {
    const keys = ['foo', 'bar', '{user1}:a', 't-x:1:recipe:42', 'p:~tag:recipes', 'ключ', ''.padEnd(300, 'z')];
    for (const group of groupBySlot(keys)) {
      for (const key of group.keys) expect(await topology.slotOf(key)).toBe(group.slot);
    }
  });

  it('invalidates tags whose keys and entries live on different masters', async () => {
    const cache = await clusterCache();
    const names = Array.from({ length: 12 }, (_, i) => `item${i}`);
    for (const [i, name] of names.entries()) {
      await cache.set(name, i, 60, { tags: i % 2 === 0 ? ['even', 'all'] : ['odd', 'all'] });
    }
    const slots = new Set(groupBySlot(names.map((name) => defaultKeyFunction(name, 'x', 1))).map((g) => g.slot));
    expect(slots.size).toBeGreaterThan(1);

    await cache.invalidateTags(['even']);
    const left = await cache.getMany(names);
    expect([...left.keys()].sort()).toEqual(names.filter((_, i) => i % 2 === 1).sort());

    await cache.invalidateTags(['all']);
    expect((await cache.getMany(names)).size).toBe(0);
  });

  it('serialises holders of one lock, whichever master holds it', async () => {
    const cache = await clusterCache();
    let inside = 0;
    let overlaps = 0;
    const task = async () => {
      inside++;
      if (inside > 1) overlaps++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      inside--;
    };
    await Promise.all(Array.from({ length: 5 }, () => cache.withLock('job', task, { timeout: 5, blockingTimeout: 5 })));
    expect(overlaps).toBe(0);
    const held = await cache.lock('job', { timeout: 5, blockingTimeout: 0 });
    await expect(cache.lock('job', { timeout: 5, blockingTimeout: 0 })).rejects.toThrow(/not acquired/);
    await held.release();
  });

  it('runs one loader for concurrent getOrSet calls from two clients (the fill lock)', async () => {
    const prefix = uniquePrefix('stampede');
    const [a, b] = [await clusterCache(prefix), await clusterCache(prefix)];
    let loads = 0;
    const loader = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return { built: loads };
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).getOrSet('hot', loader, { ttl: 60 })),
    );
    expect(loads).toBe(1);
    expect(results).toEqual(Array.from({ length: 20 }, () => ({ built: 1 })));
  });

  it('deletes a pattern and clears over every master, leaving other prefixes alone', async () => {
    const prefix = uniquePrefix('ours');
    const [ours, theirs] = [await clusterCache(prefix), await clusterCache()];
    const users = Array.from({ length: 30 }, (_, i) => `user:${i}`);
    const posts = Array.from({ length: 30 }, (_, i) => `post:${i}`);
    await ours.setMany(Object.fromEntries([...users, ...posts].map((key) => [key, key])));
    await theirs.setMany(Object.fromEntries(users.map((key) => [key, key])));
    const oursPattern = `${prefix}:*`;
    expect((await keysPerMaster(oursPattern)).every((keys) => keys.length > 0)).toBe(true);

    expect(await ours.deletePattern('user:*')).toBe(30);
    const afterPattern = await keysPerMaster(oursPattern);
    expect(afterPattern.flat().sort()).toEqual(posts.map((key) => defaultKeyFunction(key, prefix, 1)).sort());
    expect(afterPattern.every((keys) => keys.length > 0)).toBe(true);

    expect(await ours.clear()).toBe(30);
    expect((await keysPerMaster(oursPattern)).flat()).toEqual([]);
    expect((await theirs.getMany(users)).size).toBe(30);
  });

  it('moves an entry to its next version across slots, keeping its TTL', async () => {
    const prefix = uniquePrefix('version');
    const cache = await clusterCache(prefix);
    const key = ['a', 'b', 'c', 'd'].find(
      (candidate) => groupBySlot([1, 2].map((version) => defaultKeyFunction(candidate, prefix, version))).length === 2,
    )!;
    await cache.set(key, { v: 1 }, 60);
    expect(await cache.incrVersion(key)).toBe(2);
    expect(await cache.get(key)).toBeUndefined();
    expect(await cache.get(key, undefined, { version: 2 })).toEqual({ v: 1 });
    const ttl = await cache.ttl(key, { version: 2 });
    expect(ttl).toBeGreaterThan(55);
    expect(ttl).toBeLessThanOrEqual(60);
    await expect(cache.incrVersion('never-set')).rejects.toThrow();
  });

  it('counts rate limits in the throttler storage on whichever master holds each counter', async () => {
    const storage = new CacheThrottlerStorage(await clusterCache());
    const trackers = ['ip-1', 'ip-2', 'ip-3', 'ip-4', 'ip-5', 'ip-6'];
    for (const tracker of trackers) {
      for (let hit = 1; hit <= 3; hit++) {
        expect(await storage.increment(tracker, 60_000, 3, 30_000, 'default')).toMatchObject({
          totalHits: hit,
          isBlocked: false,
        });
      }
      expect(await storage.increment(tracker, 60_000, 3, 30_000, 'default')).toMatchObject({ isBlocked: true });
    }
  });
});

const runs = new Runs();

@Controller('cluster')
class ClusterPages {
  @Get('page')
  @CachePage(60)
  page(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }
}

describe('the page cache on a Redis Cluster', () => {
  it('serves MISS, then HIT, then MISS again after the page is invalidated', async () => {
    const app = await pageApp({
      store: 'redis',
      controllers: [ClusterPages],
      cache: { url: undefined, cluster: { nodes: topology.nodes } },
    });
    try {
      const first = await request(app.url).get('/cluster/page');
      expectMiss(first);
      expect(first.body).toEqual({ n: 1 });
      const second = await request(app.url).get('/cluster/page');
      expectHit(second);
      expect(second.body).toEqual({ n: 1 });

      expect(await app.pageCache.invalidate(`${app.url}/cluster/page`)).toBeGreaterThan(0);
      const third = await request(app.url).get('/cluster/page');
      expectMiss(third);
      expect(third.body).toEqual({ n: 2 });
    } finally {
      await app.close();
    }
  });
});
