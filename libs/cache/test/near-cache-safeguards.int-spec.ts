import { performance } from 'node:perf_hooks';
import { createCache, type CacheService } from '@stash/cache';
import { Redis } from 'ioredis';
import { FaultProxy } from '../../../test/tools/fault-proxy.js';
import { waitFor } from '../../../test/support/redis-server.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';
import { decodeCoherenceMessage } from '../src/near/coherence-message.js';
import { liveNearCache, waitNearLive } from './support/near-caches.js';
import { redisServerPerTest } from './support/redis-server-per-test.js';
import { silentLogger } from './support/testing-modules.js';

const HEARTBEAT_MS = 100;
const COMMAND_TIMEOUT_MS = 150;
// Long enough that the writer's heartbeats publish many times while its queued DEL is still refused.
const BREAKER_COOLDOWN_MS = 2_000;
// Generous on a loaded machine: the safe outcome is due within a heartbeat or two of its cause.
const SAFE_WITHIN_MS = 3_000;

/** Records, for every "all" published on `writer`'s channel, how many invalidations the writer still had queued. */
async function watchAllNotices(
  url: string,
  writer: CacheService,
): Promise<{ pendingAt: number[]; close(): Promise<void> }> {
  const subscriber = new Redis(url);
  const pendingAt: number[] = [];
  subscriber.on('message', (_channel: string, text: string) => {
    if (decodeCoherenceMessage(text).kind === 'all') pendingAt.push(writer.stats().invalidationsPending);
  });
  await subscriber.subscribe(writer.coherenceChannel().name);
  return { pendingAt, close: async () => void subscriber.disconnect() };
}

/** An ioredis client whose duplicates, such as a near cache's subscriber connection, go through `subscriberUrl`. */
class SplitSubscriberClient extends Redis {
  constructor(
    url: string,
    private readonly subscriberUrl: string,
  ) {
    super(url);
  }

  override duplicate(): Redis {
    return new Redis(this.subscriberUrl);
  }
}

describe('near cache safeguards', () => {
  const redis = redisServerPerTest();
  const rejections = watchUnhandledRejections();
  let proxy: FaultProxy | undefined;

  beforeEach(async () => {
    proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: redis.server.port } });
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  afterAll(() => {
    rejections.expectNone();
  });

  describe('when a tag invalidation is queued for a retry', () => {
    it('publishes the owed "all" only after the queued DEL landed, so no process refills the old entry', async () => {
      const keyPrefix = uniquePrefix('near-gate');
      const near = { heartbeatMs: HEARTBEAT_MS };
      const writer = redis.track(
        await liveNearCache(proxy!.url(), {
          keyPrefix,
          near,
          commandTimeout: COMMAND_TIMEOUT_MS,
          breaker: { threshold: 1, cooldownMs: BREAKER_COOLDOWN_MS },
        }),
      );
      const reader = redis.track(await liveNearCache(redis.server.url, { keyPrefix, near }));
      const notices = redis.track(await watchAllNotices(redis.server.url, writer));
      await writer.set('k', 'v', 60, { tags: ['t'] });
      await waitFor(async () => (await reader.get('k')) === 'v' && reader.stats().nearHits > 0, 2_000, 'near hit');

      // A stall of the writer's link opens its breaker. Healed, the link carries PUBLISH (not behind the breaker)
      // at once, while the breaker refuses the DEL of the tag until its cool-down is over.
      await proxy!.setMode('hold');
      expect(await writer.get('other', 'fallback')).toBe('fallback');
      expect(writer.stats().breaker).toBe('open');
      await proxy!.setMode('pass');
      await waitNearLive(writer);
      await writer.invalidateTags(['t'], { retry: true });
      expect(writer.stats().invalidationsPending).toBe(1);

      // The reader keeps reading meanwhile: until the DEL lands, Redis still holds `k` under a valid tag token, and
      // anything the reader is told to drop it fills again from there.
      await waitFor(
        async () => {
          await reader.get('k');
          return writer.stats().invalidationsPending === 0;
        },
        BREAKER_COOLDOWN_MS + 5_000,
        'the queued invalidation lands',
      );
      await waitFor(async () => (await reader.get('k')) === undefined, SAFE_WITHIN_MS, 'the reader drops k');
      expect(await reader.get('k')).toBeUndefined();
      expect(reader.inProcessSizes().nearEntries!.size).toBe(0);

      await waitFor(() => notices.pendingAt.length > 0, SAFE_WITHIN_MS, 'the owed "all" on the channel');
      expect(notices.pendingAt).toEqual(notices.pendingAt.map(() => 0));
    });
  });

  describe("when a process's own heartbeat does not come back", () => {
    it('flushes and bypasses its near cache though its subscriber connection stays open and subscribed', async () => {
      const keyPrefix = uniquePrefix('near-stale');
      const near = { heartbeatMs: HEARTBEAT_MS };
      const writer = redis.track(await liveNearCache(redis.server.url, { keyPrefix, near }));
      // Commands and PUBLISH go straight to Redis; only the subscriber connection goes through the proxy.
      const client = new SplitSubscriberClient(redis.server.url, proxy!.url());
      const reader = createCache({ client, keyPrefix, near }, silentLogger);
      redis.track({
        close: async () => {
          await reader.close();
          await client.quit();
        },
      });
      await waitNearLive(reader);
      await writer.set('k', 'v1', 60);
      await writer.set('other', 'x', 60);
      const held = async () =>
        (await reader.get('k')) === 'v1' &&
        (await reader.get('other')) === 'x' &&
        reader.inProcessSizes().nearEntries!.size === 2;
      await waitFor(held, 2_000, 'both entries held near');

      // A silent stall: the subscriber's socket stays open, so nothing tells the reader that it misses messages
      // (the writer's invalidation of `k` among them) but its own heartbeat not coming back.
      await proxy!.setMode('hold');
      const stalled = performance.now();
      await writer.set('k', 'v2', 60);
      await waitFor(async () => (await reader.get('k')) === 'v2', SAFE_WITHIN_MS, 'the reader reads the new value');
      const servedMs = performance.now() - stalled;
      expect(proxy!.stats).toMatchObject({ open: 1, resets: 0 });
      expect(await client.call('PUBSUB', 'NUMSUB', reader.coherenceChannel().name)).toEqual([
        reader.coherenceChannel().name,
        2,
      ]);
      // `other` is never read again: only the flush can drop it.
      await waitFor(
        () => reader.inProcessSizes().nearEntries!.size === 0,
        SAFE_WITHIN_MS,
        'the reader holds nothing near',
      );
      const hits = reader.stats().nearHits;
      for (let i = 0; i < 5; i++) expect(await reader.get('k')).toBe('v2');
      expect(reader.stats().nearHits).toBe(hits);
      expect(reader.inProcessSizes().nearEntries!.size).toBe(0);
      process.stdout.write(
        `near cache, stalled subscriber: new value read ${servedMs.toFixed(1)} ms after the stall\n`,
      );

      await proxy!.setMode('pass');
      await waitNearLive(reader);
      await waitFor(
        async () => (await reader.get('k')) === 'v2' && reader.stats().nearHits > hits,
        SAFE_WITHIN_MS,
        'near hits again once the heartbeat is back',
      );
    });
  });
});
