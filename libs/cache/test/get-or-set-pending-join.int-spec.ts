import { jest } from '@jest/globals';
import { createCache, type CacheService } from '@stash/cache';
import { RedisServerProcess, waitFor } from '../../../test/support/redis-server.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';

const COMMAND_TIMEOUT_MS = 300;
const silentLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };

/** A loader held at a gate until `release()`, counting its runs. */
function gatedLoader(value: string): { load: () => Promise<string>; release: () => void; runs: () => number } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let runs = 0;
  return {
    load: async () => {
      runs++;
      await gate;
      return value;
    },
    release,
    runs: () => runs,
  };
}

// Found by the invalidation race fuzzer (scenario 4, seed 49 on SQLite, a pause seed): a flight that takes its
// tokens while one of its tags is pending invalidation stores nothing and hands out its value without tokens. A
// write that committed, invalidated the tag (the DEL landed) and returned while the flight was loading, then a read
// that joined the flight: the read was served the flight's old value, with nothing left to re-check.
describe('CacheService.getOrSet joiners of a flight loaded while a tag was pending invalidation', () => {
  let server: RedisServerProcess;
  let cache: CacheService;
  const rejections = watchUnhandledRejections();

  beforeEach(async () => {
    server = await RedisServerProcess.start();
    cache = createCache(
      {
        url: server.url,
        keyPrefix: uniquePrefix('gos-pending-join'),
        commandTimeout: COMMAND_TIMEOUT_MS,
        breaker: { threshold: 1000 },
      },
      silentLogger,
    );
    await cache.ready();
    // Loads the Lua scripts on the server before the stall.
    await cache.getOrSet('warm', () => 'warm', { tags: ['warm'] });
  });

  afterEach(async () => {
    await server.signal('SIGCONT');
    await cache.close();
    await server.stop();
  });

  afterAll(() => {
    rejections.expectNone();
  });

  /** Queues an invalidation of `tags` (Redis stalled, so the DEL times out), then lets Redis answer again. */
  async function queueInvalidation(tags: string[]): Promise<void> {
    await server.signal('SIGSTOP');
    await cache.invalidateTags(tags, { retry: true });
    await server.signal('SIGCONT');
  }

  /** Starts a flight of `key` whose loader is held at its gate while `tags` are still pending invalidation. */
  async function flightLoadedWhilePending(key: string, tags: string[], value: string) {
    const loader = gatedLoader(value);
    let pendingAtLoad = -1;
    const flight = cache.getOrSet(
      key,
      () => {
        pendingAtLoad = cache.stats().invalidationsPending;
        return loader.load();
      },
      { tags },
    );
    await waitFor(() => loader.runs() === 1, 5_000, 'the flight did not start its loader');
    // The premise: the flight took its tokens while the tag was pending (else this test proves nothing).
    expect(pendingAtLoad).toBeGreaterThan(0);
    // The queued DEL lands in the background; the flight is still loading.
    await waitFor(() => cache.stats().invalidationsPending === 0, 5_000, 'the queued invalidation never landed');
    return { flight, loader };
  }

  it('does not give a joiner the value of such a flight when this process invalidated a tag of it after it started', async () => {
    await queueInvalidation(['recipes']);
    const { flight, loader } = await flightLoadedWhilePending('k', ['recipes', 'recipe:1'], 'v64');

    // A write commits v65, invalidates the tag (the DEL lands) and returns; then a read joins the open flight.
    const queuedBefore = cache.stats().invalidationsQueued;
    await cache.invalidateTags(['recipes', 'recipe:1'], { retry: true });
    expect(cache.stats()).toMatchObject({ invalidationsQueued: queuedBefore, invalidationsPending: 0 });
    let joinerRuns = 0;
    const joiner = cache.getOrSet(
      'k',
      () => {
        joinerRuns++;
        return 'v65';
      },
      { tags: ['recipes', 'recipe:1'] },
    );
    loader.release();

    expect(await flight).toBe('v64');
    expect(await joiner).toBe('v65');
    expect(joinerRuns).toBe(1);
    // And the new value is the one cached.
    expect(await cache.getOrSet('k', () => 'not cached', { tags: ['recipes', 'recipe:1'] })).toBe('v65');
  });

  it('still shares such a flight with its joiners when nothing invalidated its tags after it started', async () => {
    await queueInvalidation(['recipes']);
    const { flight, loader } = await flightLoadedWhilePending('k', ['recipes', 'recipe:1'], 'v64');

    // Another tag's invalidation does not concern this flight.
    await cache.invalidateTags(['recipe:2'], { retry: true });
    let joinerRuns = 0;
    const joiners = Array.from({ length: 5 }, () =>
      cache.getOrSet(
        'k',
        () => {
          joinerRuns++;
          return 'joiner';
        },
        { tags: ['recipes', 'recipe:1'] },
      ),
    );
    loader.release();

    expect(await flight).toBe('v64');
    expect(await Promise.all(joiners)).toEqual(Array(5).fill('v64'));
    expect(joinerRuns).toBe(0);
  });
});
