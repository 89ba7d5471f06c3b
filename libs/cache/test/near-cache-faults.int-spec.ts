import { performance } from 'node:perf_hooks';
import type { CacheService } from '@stash/cache';
import { FaultProxy, type FaultModeInput } from '../../../test/tools/fault-proxy.js';
import { waitFor } from '../../../test/support/redis-server.js';
import { recordResult } from '../../../test/tools/reliability-log.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';
import { liveNearCache } from './support/near-caches.js';
import { redisServerPerTest } from './support/redis-server-per-test.js';

const HEARTBEAT_MS = 100;
const STALE_AFTER_MS = 2 * HEARTBEAT_MS;
const COMMAND_TIMEOUT_MS = 150;
// A heartbeat sent just before the fault may still come back: it is in flight for one round trip. Plus timer
// and scheduling slack on a busy two-core machine.
const SLACK_MS = 60;

/** Reads `key` until a read is not served from the near cache; returns when the last near hit started. */
async function lastNearHitAfter(
  cache: CacheService,
  key: string,
  timeoutMs: number,
): Promise<{ at: number; value: unknown }> {
  let last = { at: Number.NEGATIVE_INFINITY, value: undefined as unknown };
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const before = cache.stats().nearHits;
    const at = performance.now();
    const value = await cache.get(key);
    if (cache.stats().nearHits === before) return last;
    last = { at, value };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`still served from the near cache after ${timeoutMs} ms`);
}

function report(fault: string, lastHitMs: number): void {
  const figure = Number.isFinite(lastHitMs) ? `${lastHitMs.toFixed(1)} ms after the fault` : 'none after the fault';
  process.stdout.write(`near cache, ${fault}: last near hit ${figure}\n`);
  recordResult('near-cache channel cut', fault, { lastNearHit: figure, boundMs: STALE_AFTER_MS });
}

describe('near cache when its channel is cut', () => {
  const redis = redisServerPerTest();
  const rejections = watchUnhandledRejections();
  let proxy: FaultProxy | undefined;

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  afterAll(() => {
    rejections.expectNone();
  });

  async function readerAndWriter(): Promise<{ reader: CacheService; writer: CacheService }> {
    proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: redis.server.port } });
    const options = {
      keyPrefix: uniquePrefix('near-cut'),
      commandTimeout: COMMAND_TIMEOUT_MS,
      near: { heartbeatMs: HEARTBEAT_MS },
      breaker: { threshold: 1000 },
    };
    const reader = redis.track(await liveNearCache(proxy.url(), options));
    const writer = redis.track(await liveNearCache(redis.server.url, options));
    return { reader, writer };
  }

  it.each<[string, FaultModeInput]>([
    ['stalls it (hold)', 'hold'],
    ['resets it (reset)', 'reset'],
    ['stalls replies only (half-open)', 'half-open'],
  ])('when the proxy %s, stops serving within the bound and fills again after recovery', async (_, mode) => {
    const { reader, writer } = await readerAndWriter();
    await writer.set('k', 'v1', 60);
    // The writer's own invalidation may reach the reader after its first read started: that fill is refused.
    await waitFor(async () => (await reader.get('k')) === 'v1' && reader.stats().nearHits > 0, 2_000, 'near hit');

    const cutAt = performance.now();
    await proxy!.setMode(mode);
    await writer.set('k', 'v2', 60);
    const last = await lastNearHitAfter(reader, 'k', 5_000);
    report(`proxy ${JSON.stringify(mode)}`, last.at - cutAt);
    // A hit needs no command, so only the heartbeat can stop it: within 2 × heartbeatMs of the cut.
    expect(last.at - cutAt).toBeLessThan(STALE_AFTER_MS + SLACK_MS);
    expect(reader.inProcessSizes().nearEntries!.size).toBe(0);
    // Redis is out of reach: reads fail open (a miss), they never fall back to the near entry.
    expect(await reader.get('k', 'fallback')).toBe('fallback');

    await proxy!.setMode('pass');
    await waitFor(() => reader.coherenceChannel().live, 5_000, 'channel live again');
    const hits = reader.stats().nearHits;
    await waitFor(
      async () => (await reader.get('k')) === 'v2' && reader.stats().nearHits > hits,
      3_000,
      'near hits again',
    );
  });

  it('flushes and serves nothing when Redis is killed, and fills again once it is back', async () => {
    const cache = redis.track(
      await liveNearCache(redis.server.url, {
        commandTimeout: COMMAND_TIMEOUT_MS,
        near: { heartbeatMs: HEARTBEAT_MS },
        breaker: { threshold: 1000 },
      }),
    );
    await cache.set('k', 'v', 60);
    await cache.get('k');
    const killedAt = performance.now();
    await redis.server.signal('SIGKILL');
    const last = await lastNearHitAfter(cache, 'k', 5_000);
    report('SIGKILL', last.at - killedAt);
    expect(last.at - killedAt).toBeLessThan(STALE_AFTER_MS + SLACK_MS);
    const started = performance.now();
    expect(await cache.get('k', 'fallback')).toBe('fallback');
    expect(performance.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS + 250);

    await redis.server.start();
    await waitFor(() => cache.coherenceChannel().live, 8_000, 'channel live after restart');
    await cache.set('k', 'again', 60);
    const hits = cache.stats().nearHits;
    await waitFor(async () => (await cache.get('k')) === 'again' && cache.stats().nearHits > hits, 3_000, 'refilled');
  });

  it('tells the other processes once a tag invalidation queued while the writer was cut off lands', async () => {
    proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: redis.server.port } });
    const options = {
      keyPrefix: uniquePrefix('near-queued'),
      commandTimeout: COMMAND_TIMEOUT_MS,
      near: { heartbeatMs: HEARTBEAT_MS },
      breaker: { threshold: 1000 },
    };
    const writer = redis.track(await liveNearCache(proxy.url(), options));
    const reader = redis.track(await liveNearCache(redis.server.url, options));
    await writer.set('k', 'v', 60, { tags: ['t'] });
    await waitFor(async () => (await reader.get('k')) === 'v' && reader.stats().nearHits > 0, 2_000, 'near hit');

    await proxy.setMode('reset');
    await writer.invalidateTags(['t'], { retry: true });
    expect(writer.stats().invalidationsPending).toBe(1);
    await proxy.setMode('pass');
    await waitFor(() => writer.stats().invalidationsPending === 0, 5_000, 'the queued invalidation lands');
    const landed = performance.now();
    // Nothing was delivered while the writer was cut off; the "all" it owes follows the landed invalidation.
    await waitFor(async () => (await reader.get('k')) === undefined, 2_000, 'the reader drops the entry');
    const droppedMs = performance.now() - landed;
    process.stdout.write(`near cache, queued tag invalidation: dropped ${droppedMs.toFixed(1)} ms after it landed\n`);
    recordResult('near-cache channel cut', 'queued tag invalidation', { droppedAfterLandingMs: droppedMs });
    expect(await reader.get('k')).toBeUndefined();
  });
});
