import { RedisServerProcess } from '../../../../test/support/redis-server.js';
import { edgeApp, type EdgeApp, type EdgeAppOptions } from './page-edge-app.js';
import { edgeClient, EdgePages, edgeRuns, type EdgeClient } from './page-edge-pages.js';

/** What the edge suites boot their app with, on top of the suite's Redis and `EdgePages`. */
export type EdgeAppPerTestOptions = Omit<EdgeAppOptions, 'redisUrl' | 'controllers'>;

/** The suite's redis-server, this test's edge app, and requests to it that tell who answered them. */
export interface EdgeAppPerTest extends EdgeClient {
  /** The suite's server (started before its first test). */
  readonly redis: RedisServerProcess;
  /** This test's app (booted before it, closed after it). */
  readonly page: EdgeApp;
  /** Closes this test's app and boots another with the suite's options plus `options`. */
  reboot(options: EdgeAppPerTestOptions): Promise<void>;
}

/**
 * Registers the hooks of an edge suite: a redis-server for the enclosing `describe`, and for each of its tests
 * `edgeRuns` reset and a fresh `edgeApp` serving `EdgePages` on that server with `options` (closed after the test).
 */
export function edgeAppPerTest(options: EdgeAppPerTestOptions = {}): EdgeAppPerTest {
  let redis: RedisServerProcess | undefined;
  let page: EdgeApp | undefined;
  const edge: EdgeAppPerTest = {
    get redis() {
      if (!redis) throw new Error('edgeAppPerTest(): the server exists only inside the suite');
      return redis;
    },
    get page() {
      if (!page) throw new Error('edgeAppPerTest(): the app exists only inside a test');
      return page;
    },
    ...edgeClient(() => edge.page),
    async reboot(extra) {
      await edge.page.close();
      page = await boot(extra);
    },
  };
  const boot = (extra: EdgeAppPerTestOptions = {}) =>
    edgeApp({ ...options, ...extra, redisUrl: edge.redis.url, controllers: [EdgePages] });

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    edgeRuns.reset();
    page = await boot();
  });
  afterEach(async () => {
    await page?.close();
  });
  return edge;
}
