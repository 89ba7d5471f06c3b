import type { LoggerService } from '@nestjs/common';
import { createCache } from './cache.factory.js';
import type { CacheService } from './cache.service.js';
import { MAX_REMEMBERED_INVALIDATIONS } from './entries/recent-invalidations.js';
import { MAX_LEARNED_VARY_LISTS, VaryMemo } from './http/vary-memo.js';
import { MAX_THROTTLE_COUNTERS, ThrottleCounters } from './store/throttle-counters.js';

const quiet: LoggerService = { log: () => undefined, warn: () => undefined, error: () => undefined };

// The memory and dummy stores keep everything in process: these caches do no I/O.
describe('CacheService.inProcessSizes', () => {
  const caches: CacheService[] = [];
  const cache = (options: Parameters<typeof createCache>[0]) => {
    const created = createCache(options, quiet);
    caches.push(created);
    return created;
  };

  afterEach(async () => {
    await Promise.all(caches.splice(0).map((created) => created.close()));
  });

  it('lists every map of a memory cache, empty, with its bound', () => {
    expect(cache({ store: 'memory', memory: { maxEntries: 3, maxBytes: 4096 } }).inProcessSizes()).toEqual({
      getOrSetFlights: { size: 0, max: null },
      backgroundRefreshes: { size: 0, max: null },
      pendingInvalidations: { size: 0, max: 10_000 },
      recentInvalidations: { size: 0, max: MAX_REMEMBERED_INVALIDATIONS },
      memoryEntries: { size: 0, max: 3 },
      memoryBytes: { size: 0, max: 4096 },
      throttleCounters: { size: 0, max: MAX_THROTTLE_COUNTERS },
    });
  });

  it('counts memory entries and bytes, and they stay within the bounds', async () => {
    const memory = cache({ store: 'memory', memory: { maxEntries: 3, maxBytes: 1_000_000 } });
    await memory.set('a', 'x'.repeat(100));
    const one = memory.inProcessSizes();
    expect(one.memoryEntries).toEqual({ size: 1, max: 3 });
    expect(one.memoryBytes!.size).toBeGreaterThan(100);
    for (let i = 0; i < 10; i++) await memory.set(`k${i}`, i);
    expect(memory.inProcessSizes().memoryEntries).toEqual({ size: 3, max: 3 });

    const small = cache({ store: 'memory', memory: { maxEntries: 1000, maxBytes: 2048 } });
    for (let i = 0; i < 50; i++) await small.set(`k${i}`, 'y'.repeat(200));
    const { memoryEntries, memoryBytes } = small.inProcessSizes();
    expect(memoryBytes!.size).toBeLessThanOrEqual(2048);
    expect(memoryEntries!.size).toBeLessThan(50);
  });

  it('counts a getOrSet in flight while its loader runs, and none after', async () => {
    const memory = cache({ store: 'memory' });
    let finish: (value: string) => void = () => undefined;
    const loading = memory.getOrSet('slow', () => new Promise<string>((resolve) => (finish = resolve)));
    const joined = memory.getOrSet('slow', () => 'never');
    await new Promise((resolve) => setImmediate(resolve));
    expect(memory.inProcessSizes().getOrSetFlights).toEqual({ size: 1, max: null });
    finish('done');
    await expect(Promise.all([loading, joined])).resolves.toEqual(['done', 'done']);
    expect(memory.inProcessSizes().getOrSetFlights).toEqual({ size: 0, max: null });
  });

  it('counts the rate-limit counters of the dummy store', async () => {
    const dummy = cache({ store: 'dummy' });
    await dummy.internals.store.throttle('a', 60_000, 5, 0);
    await dummy.internals.store.throttle('b', 60_000, 5, 0);
    await dummy.internals.store.throttle('a', 60_000, 5, 0);
    expect(dummy.inProcessSizes()).toMatchObject({ throttleCounters: { size: 2, max: MAX_THROTTLE_COUNTERS } });
    expect(dummy.inProcessSizes()).not.toHaveProperty('memoryEntries');
  });
});

describe('ThrottleCounters size', () => {
  it('never passes its bound', () => {
    const counters = new ThrottleCounters(5);
    for (let i = 0; i < 20; i++) counters.hit(`k${i}`, 60_000, 1, 0, 0);
    expect([counters.size, counters.max]).toEqual([5, 5]);
  });
});

describe('VaryMemo size', () => {
  it(`never passes ${MAX_LEARNED_VARY_LISTS}`, () => {
    const memo = new VaryMemo(60_000);
    for (let i = 0; i < MAX_LEARNED_VARY_LISTS + 50; i++) memo.set(`k${i}`, ['cookie'], 0);
    expect(memo.size).toBe(MAX_LEARNED_VARY_LISTS);
  });

  it('counts a list learned again once', () => {
    const memo = new VaryMemo(60_000);
    memo.set('k', ['cookie'], 0);
    memo.set('k', ['accept'], 1);
    expect(memo.size).toBe(1);
  });
});
