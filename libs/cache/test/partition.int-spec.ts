import { jest } from '@jest/globals';
import { createCache, type CacheOptions, type CacheService } from '@stash/cache';
import { Redis } from 'ioredis';
import { waitFor } from '../../../test/support/redis-server.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { DebuggableRedisServer } from '../../../test/tools/debuggable-redis-server.js';
import { FaultProxy, type FaultModeInput } from '../../../test/tools/fault-proxy.js';
import { recordResult } from '../../../test/tools/reliability-log.js';
import { STALLS, stallsNamed, SLOW_NETWORK_MS, type StallRig } from '../../../test/tools/stalls.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';

// Reliability scenario 2 (docs/reliability.md): Redis stalled or partitioned, never gone.
const SCENARIO = '2: stalls and partitions (@stash/cache)';
const COMMAND_TIMEOUT_MS = 200;
// A call may pay one command timeout, plus scheduling slack on a busy two-core machine.
const BOUND_MS = COMMAND_TIMEOUT_MS + 250;
const THRESHOLD = 3;
const COOLDOWN_MS = 1_000;
// Calls refused by the open breaker send nothing: they cost no more than a few event-loop turns.
const OPEN_CALLS = 20;
const OPEN_CALL_BOUND_MS = 25;
// Stalls of a fixed length end within 3 s; then the breaker's cool-down, a probe, or a reconnect (at most 2 s).
const RECOVERS_WITHIN_MS = 8_000;
const TAG = 'recipe:1';
const KEY = 'recipe:1:card';

const silentLogger = () => ({
  log: jest.fn(),
  warn: jest.fn(),
  error: jest.fn(),
  debug: jest.fn(),
  verbose: jest.fn(),
});

async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await call();
  return { result, ms: performance.now() - started };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Starts `getOrSet(KEY)` with its loader held mid-flight (tokens taken, lock held); `finish()` lets it return. */
async function heldFill(cache: CacheService, read: () => string, tags?: string[]) {
  const loading = deferred();
  const release = deferred();
  const call = cache.getOrSet(
    KEY,
    async () => {
      const value = read();
      loading.resolve();
      await release.promise;
      return value;
    },
    { ttl: 60, ...(tags ? { tags } : {}) },
  );
  await loading.promise;
  return {
    finish: (): Promise<string> => {
      release.resolve();
      return call;
    },
  };
}

describe('CacheService when Redis stalls or is partitioned (reliability scenario 2)', () => {
  let rig: StallRig;
  const caches: CacheService[] = [];
  const rejections = watchUnhandledRejections();

  /** A cache of "process A", reaching Redis through the fault proxy. */
  function viaProxy(options: CacheOptions = {}): CacheService {
    return open({ url: rig.proxy.url(), ...options });
  }

  /** A cache of "process B", on the same server without the proxy. */
  function direct(options: CacheOptions = {}): CacheService {
    return open({ url: rig.server.url, ...options });
  }

  function open(options: CacheOptions): CacheService {
    const cache = createCache(
      { keyPrefix: uniquePrefix('partition'), commandTimeout: COMMAND_TIMEOUT_MS, ...options },
      silentLogger(),
    );
    caches.push(cache);
    return cache;
  }

  /** Process A (through the proxy) and process B (direct) on one prefix: two processes of one app. */
  async function twoProcesses(label: string, breaker: CacheOptions['breaker']) {
    const prefix = uniquePrefix(label);
    const a = viaProxy({ keyPrefix: prefix, breaker });
    const b = direct({ keyPrefix: prefix });
    expect(await a.ready()).toBe(true);
    expect(await b.ready()).toBe(true);
    return { prefix, a, b };
  }

  // ioredis prints an 'error' event nobody listens to on console.error: the scenario fails on any.
  const consoleError = jest.spyOn(console, 'error');

  beforeEach(async () => {
    const server = await DebuggableRedisServer.start();
    const proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: server.port } });
    const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined);
    rig = { server, proxy, admin };
  });

  afterEach(async () => {
    await rig.server.signal('SIGCONT');
    await rig.proxy.setMode('pass');
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
    await rig.proxy.close();
    rig.admin.disconnect();
    await rig.server.stop();
  });

  afterAll(() => {
    const ioredisErrors = consoleError.mock.calls.filter(([line]) => String(line).includes('[ioredis]'));
    consoleError.mockRestore();
    rejections.expectNone();
    expect(ioredisErrors).toEqual([]);
  });

  describe.each(STALLS.map((stall) => [stall.name, stall] as const))('under %s', (_, stall) => {
    it('get and getOrSet answer within the command timeout, the breaker spares later calls, and it recovers', async () => {
      const cache = viaProxy({ breaker: { threshold: THRESHOLD, cooldownMs: COOLDOWN_MS } });
      expect(await cache.ready()).toBe(true);
      await cache.set('hit', 'cached', 60);
      // Loads the lock scripts, so that nothing below depends on a first EVAL.
      expect(await cache.getOrSet('warm', () => 'warm', { ttl: 60 })).toBe('warm');
      const heal = await stall.begin(rig);
      const figures: Record<string, number | string> = {};

      if (stall.stallsReads) {
        // Until the breaker opens, each call pays at most one command timeout and fails open.
        const faulted: number[] = [];
        for (let i = 0; i < THRESHOLD; i++) {
          const read = i % 2 === 0;
          const { result, ms } = await timed(() =>
            read ? cache.get('hit', 'fallback') : cache.getOrSet(`miss:${i}`, () => 'computed', { ttl: 60 }),
          );
          expect({ i, result }).toEqual({ i, result: read ? 'fallback' : 'computed' });
          expect(ms).toBeLessThan(BOUND_MS);
          faulted.push(ms);
        }
        expect(cache.stats().breaker).toBe('open');
        const errors = cache.stats().errors;
        const refused: number[] = [];
        for (let i = 0; i < OPEN_CALLS; i++) {
          const read = i % 2 === 0;
          const { result, ms } = await timed(() =>
            read ? cache.get('hit', 'fallback') : cache.getOrSet(`open:${i}`, () => 'computed', { ttl: 60 }),
          );
          expect({ i, result }).toEqual({ i, result: read ? 'fallback' : 'computed' });
          refused.push(ms);
        }
        expect(Math.max(...refused)).toBeLessThan(OPEN_CALL_BOUND_MS);
        // Refused calls are still counted as faults, one each.
        expect(cache.stats().errors - errors).toBe(OPEN_CALLS);
        Object.assign(figures, { faultedMaxMs: Math.max(...faulted), refusedMaxMs: Math.max(...refused) });
      } else {
        // A read is answered; a miss's fill lock (a write) waits, and Redis then holds the whole connection, so the
        // commands after it wait too. Each miss still pays at most one command timeout, then loads without Redis.
        const read = await timed(() => cache.get('hit'));
        expect(read.result).toBe('cached');
        expect(read.ms).toBeLessThan(BOUND_MS);
        const misses: number[] = [];
        for (let i = 0; i < THRESHOLD + 2; i++) {
          const { result, ms } = await timed(() => cache.getOrSet(`miss:${i}`, () => 'computed', { ttl: 60 }));
          expect(result).toBe('computed');
          expect(ms).toBeLessThan(BOUND_MS);
          misses.push(ms);
        }
        const write = await timed(() => cache.set('written', 'late', 60));
        expect(write.ms).toBeLessThan(BOUND_MS);
        Object.assign(figures, {
          readMs: read.ms,
          missMaxMs: Math.max(...misses),
          breakerAfterMisses: cache.stats().breaker,
        });
      }

      await heal();
      const healed = performance.now();
      await waitFor(
        async () => (await cache.get('hit')) === 'cached' && cache.stats().breaker === 'closed',
        RECOVERS_WITHIN_MS,
        'the cache did not serve hits again after the stall',
      );
      figures.recoveredAfterMs = performance.now() - healed;
      expect(await cache.getOrSet('after', () => 'fresh', { ttl: 60 })).toBe('fresh');
      expect(await cache.get('after')).toBe('fresh');
      recordResult(SCENARIO, `bounded latency: ${stall.name}`, figures);
    });
  });

  describe.each<[string, FaultModeInput]>([
    [`delay ${SLOW_NETWORK_MS} ms (the write lands after the newer value)`, { mode: 'delay', ms: SLOW_NETWORK_MS }],
    ['half-open (the write lands, its reply never returns)', 'half-open'],
  ])('a getOrSet write that times out under %s', (name, mode) => {
    it('never serves the old value once it lands, in any process', async () => {
      const { prefix, a, b } = await twoProcesses('late-write', { threshold: 1_000 });
      const v1 = `v1-${prefix}`;
      const v2 = `v2-${prefix}`;
      let database = v1;

      // Process A misses and loads v1 (its tag token taken before the loader); its loader is held mid-flight.
      const fill = await heldFill(a, () => database, [TAG]);
      // Process B commits v2: invalidates the tag and stores the new value.
      database = v2;
      await b.invalidateTags([TAG]);
      await b.set(KEY, v2, 60, { tags: [TAG] });
      expect(await b.get(KEY)).toBe(v2);

      // A's write of v1 now goes out through the fault: it times out for A, and lands in Redis anyway.
      await rig.proxy.setMode(mode);
      const started = performance.now();
      expect(await fill.finish()).toBe(v1);
      const callMs = performance.now() - started;
      expect(callMs).toBeLessThan(BOUND_MS);
      const storedKey = `${prefix}:1:${KEY}`;
      await waitFor(
        async () => (await rig.admin.getBuffer(storedKey))?.includes(v1) === true,
        5_000,
        'the timed-out write never landed',
      );
      const landedAfterMs = performance.now() - started;

      // The old value sits in Redis over v2, under a dead tag token: it is a miss, and the next fill loads v2.
      expect(await b.get(KEY)).toBeUndefined();
      expect(await b.getOrSet(KEY, () => database, { ttl: 60, tags: [TAG] })).toBe(v2);
      await rig.proxy.setMode('pass');
      await waitFor(() => rig.proxy.stats.bufferedBytes.toClient === 0, 5_000, 'held replies were not delivered');
      expect(await a.get(KEY)).toBe(v2);
      recordResult(SCENARIO, `late write under ${name}`, { callMs, landedAfterMs });
    });
  });

  it('negative control: the same late write without tags is served, so the harness does produce it', async () => {
    const { a, b } = await twoProcesses('late-untagged', { threshold: 1_000 });
    const fill = await heldFill(a, () => 'v1');
    await b.set(KEY, 'v2', 60);
    await rig.proxy.setMode({ mode: 'delay', ms: SLOW_NETWORK_MS });
    expect(await fill.finish()).toBe('v1');
    await waitFor(async () => (await b.get(KEY)) !== 'v2', 5_000, 'the timed-out write never landed');
    expect(await b.get(KEY)).toBe('v1');
  });

  describe.each(stallsNamed('hold-reset', 'half-open', 'pause-write', 'sigstop').map((s) => [s.name, s] as const))(
    'invalidateTags with { retry: true } under %s',
    (_, stall) => {
      it('resolves within the command timeout, and the retry applies it after the stall, for every process', async () => {
        const { prefix, a, b } = await twoProcesses('retry', { threshold: THRESHOLD, cooldownMs: 500 });
        await a.set(KEY, 'old', 60, { tags: [TAG] });
        expect(await b.get(KEY)).toBe('old');
        const tagKey = `${prefix}:~tag:${TAG}`;
        const heal = await stall.begin(rig);

        const { ms } = await timed(() => a.invalidateTags([TAG], { retry: true }));
        expect(ms).toBeLessThan(BOUND_MS);
        expect(a.stats()).toMatchObject({ invalidationsQueued: 1, invalidationsPending: 1 });
        // This process treats the tag as invalidated at once, whether or not it can reach Redis.
        expect(await a.get(KEY)).toBeUndefined();

        await heal();
        const healed = performance.now();
        await waitFor(
          async () => a.stats().invalidationsPending === 0 && (await rig.admin.exists(tagKey)) === 0,
          RECOVERS_WITHIN_MS,
          'the queued invalidation was never applied',
        );
        const appliedAfterMs = performance.now() - healed;
        expect(a.stats().invalidationRetries).toBeGreaterThan(0);
        expect(await b.get(KEY)).toBeUndefined();
        expect(await a.get(KEY)).toBeUndefined();
        recordResult(SCENARIO, `retried invalidation: ${stall.name}`, {
          callMs: ms,
          appliedAfterHealMs: appliedAfterMs,
          retries: a.stats().invalidationRetries,
        });
      });
    },
  );
});
