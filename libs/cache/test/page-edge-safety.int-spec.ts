import { createCache, type CacheService } from '@stash/cache';
import { POISONING_VECTORS, cleanRequest, poisonedRequest } from '../../../test/reliability/page-poisoning.js';
import { sendRaw } from '../../../test/reliability/page-raw-http.js';
import { silentLogger } from './support/page-cache-app.js';
import { EDGE_TEST_HEARTBEAT_MS, edgeApp, timeUntil } from './support/page-edge-app.js';
import { edgeAppPerTest } from './support/edge-app-per-test.js';
import { EdgePages } from './support/page-edge-pages.js';

// The channel's bound (two heartbeats) plus the polling step and a loaded machine's scheduling.
const STALENESS_BOUND_MS = 2 * EDGE_TEST_HEARTBEAT_MS + 400;

describe('the page edge (@CachePage({ edge: true })) under attack and invalidation', () => {
  const edge = edgeAppPerTest();
  const { prime, viaExpress } = edge;

  describe('under the page cache poisoning vectors', () => {
    it.each(POISONING_VECTORS.map((vector, n) => [vector.name, vector, n] as const))(
      'serves a clean request only what the normal path serves it, after %s on a cold page',
      async (_, vector, n) => {
        const port = Number(new URL(edge.page.url).port);
        const host = `localhost:${port}`;
        const path = `/edge/echo/${n}`;
        await sendRaw(port, poisonedRequest(vector, path, host));
        const clean = await sendRaw(port, cleanRequest(path, host));
        const again = await sendRaw(port, cleanRequest(path, host));
        const normal = await sendRaw(port, {
          ...cleanRequest(path, host),
          headers: [
            ['Host', host],
            ['Pragma', 'x'],
          ],
        });
        expect(normal.headers['x-cache']).toBe('HIT');
        for (const served of [clean, again]) {
          expect(served.body).toBe(normal.body);
          // Host names compare case-insensitively: `LOCALHOST` is the same origin (the page key lower-cases it).
          expect(served.body).toMatch(new RegExp(`^${n} GET http://localhost:${port}${path} \\d+$`, 'i'));
        }
      },
    );
  });

  describe('coherence', () => {
    let other: CacheService;

    beforeEach(() => {
      other = createCache(
        { url: edge.redis.url, keyPrefix: edge.page.prefix, near: { heartbeatMs: EDGE_TEST_HEARTBEAT_MS } },
        silentLogger,
      );
    });
    afterEach(async () => {
      await other.close();
    });

    it(`stops serving a page within ${STALENESS_BOUND_MS} ms of its tag's invalidation in another cache instance`, async () => {
      await prime('/edge/plain');
      expect((await viaExpress('/edge/plain')).enteredExpress).toBe(false);
      await other.invalidateTags(['plain']);
      let after: Awaited<ReturnType<typeof viaExpress>> | undefined;
      const tookMs = await timeUntil(
        async () => (after = await viaExpress('/edge/plain')).enteredExpress,
        STALENESS_BOUND_MS,
        'the edge dropped the invalidated page',
      );
      expect(after!.response.headers['x-cache']).toBe('MISS');
      expect(after!.response.body.toString()).toBe('<p>plain 2</p>');
      expect(tookMs).toBeLessThan(STALENESS_BOUND_MS);
    });

    it('stops serving a page deleted by URL in another app', async () => {
      const second = await edgeApp({ redisUrl: edge.redis.url, controllers: [EdgePages], prefix: edge.page.prefix });
      try {
        await prime('/edge/plain');
        // rawRequest sends `Host: 127.0.0.1`: the page is keyed under that URL.
        await second.pageCache.invalidate('http://127.0.0.1/edge/plain');
        let after: Awaited<ReturnType<typeof viaExpress>> | undefined;
        await timeUntil(
          async () => (after = await viaExpress('/edge/plain')).enteredExpress,
          STALENESS_BOUND_MS,
          'the edge dropped the deleted page',
        );
        expect(after!.response.headers['x-cache']).toBe('MISS');
        expect(after!.response.body.toString()).toBe('<p>plain 2</p>');
      } finally {
        await second.app.close();
      }
    });

    it('empties itself when the channel is down, and fills again once it is back', async () => {
      await prime('/edge/plain');
      await edge.redis.signal('SIGSTOP');
      try {
        await timeUntil(
          () => edge.page.pageCache.inProcessSizes()['edgePages.default']!.size === 0,
          2_000,
          'the edge emptied itself',
        );
      } finally {
        await edge.redis.signal('SIGCONT');
      }
      expect((await viaExpress('/edge/plain')).enteredExpress).toBe(true);
      await timeUntil(async () => !(await viaExpress('/edge/plain')).enteredExpress, 5_000, 'the edge filled again');
    });
  });
});
