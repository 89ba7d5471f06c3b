import { jest } from '@jest/globals';
import { createCache, type CacheService } from '@stash/cache';
import { Redis } from 'ioredis';
import { RedisServerProcess } from '../../../test/support/redis-server.js';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';

const COMMAND_TIMEOUT_MS = 100;
const silentLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };

/** Keeps the event loop busy, as a burst of requests arriving at once does. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Nothing: the replies of the commands sent before wait in their socket.
  }
}

// Scenario 3 of docs/reliability.md found this: 1000 concurrent requests kept each cookbook process busy for
// longer than `commandTimeout`, ioredis reported the replies that were waiting to be read as timeouts, and each
// process loaded a cold key without the fill lock (the loader ran once per process instead of once).
describe('CacheService when the event loop was busy for longer than commandTimeout', () => {
  const caches: CacheService[] = [];

  function cache(keyPrefix: string): CacheService {
    const created = createCache({ url: testRedisUrl(), keyPrefix, commandTimeout: COMMAND_TIMEOUT_MS }, silentLogger);
    caches.push(created);
    return created;
  }

  afterEach(async () => {
    await Promise.all(caches.map((created) => created.clear()));
    await Promise.all(caches.splice(0).map((created) => created.close()));
  });

  it('takes the replies that arrived in time: no fault counted, the breaker stays closed', async () => {
    const stash = cache(uniquePrefix('busy'));
    await stash.ready();
    await stash.set('k', 'v');
    // More reads than the breaker's threshold (5), all sent before the loop gets busy.
    const reads = Array.from({ length: 8 }, () => stash.get('k'));
    busyFor(1.5 * COMMAND_TIMEOUT_MS);
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 8 }, () => 'v'));
    expect(stash.stats()).toMatchObject({ hits: 8, misses: 0, errors: 0, breaker: 'closed' });
  });

  it('keeps the cross-process fill lock: a cold key missed by two caches at once is loaded once', async () => {
    const prefix = uniquePrefix('busy-fill');
    const [first, second] = [cache(prefix), cache(prefix)];
    await Promise.all([first.ready(), second.ready()]);
    let runs = 0;
    const loader = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return 'loaded';
    };
    const values = [first.getOrSet('cold', loader, { ttl: 30 }), second.getOrSet('cold', loader, { ttl: 30 })];
    busyFor(1.5 * COMMAND_TIMEOUT_MS);
    expect(await Promise.all(values)).toEqual(['loaded', 'loaded']);
    expect(runs).toBe(1);
    expect(first.stats().errors + second.stats().errors).toBe(0);
  });

  it("still times out on a stalled Redis (SIGSTOP), within commandTimeout and the loop's next turn", async () => {
    const server = await RedisServerProcess.start();
    try {
      const stash = createCache(
        { url: server.url, keyPrefix: uniquePrefix('busy-stall'), commandTimeout: COMMAND_TIMEOUT_MS },
        silentLogger,
      );
      caches.push(stash);
      await stash.ready();
      await server.signal('SIGSTOP');
      const started = performance.now();
      expect(await stash.get('k', 'fallback')).toBe('fallback');
      const ms = performance.now() - started;
      expect(ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 1);
      expect(ms).toBeLessThan(COMMAND_TIMEOUT_MS + 150);
      expect(stash.stats().errors).toBe(1);
      await server.signal('SIGCONT');
    } finally {
      await server.stop();
    }
  });

  it("negative control: ioredis's own commandTimeout reports the same in-time reply as a timeout", async () => {
    const raw = new Redis(testRedisUrl(), { commandTimeout: COMMAND_TIMEOUT_MS, maxRetriesPerRequest: 0 });
    try {
      await raw.ping();
      const read = raw.get('anything').then(
        () => 'answered',
        (error: Error) => error.message,
      );
      busyFor(1.5 * COMMAND_TIMEOUT_MS);
      expect(await read).toBe('Command timed out');
    } finally {
      raw.disconnect();
    }
  });
});
