import { jest } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { CachePage, CacheUnavailableError, createCache, type CacheOptions, type CacheService } from '@stash/cache';
import { Redis } from 'ioredis';
import request from 'supertest';
import { RedisServerProcess, freePort, waitFor } from '../../../test/support/redis-server.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { MAX_PENDING_TAGS } from '../src/entries/pending-invalidations.js';
import { expectHit, expectMiss, pageApp, Runs } from './support/page-cache-app.js';

const COMMAND_TIMEOUT_MS = 200;
// A call may pay one command timeout, plus scheduling slack on a busy two-core machine.
const BOUND_MS = COMMAND_TIMEOUT_MS + 250;
// Retries back off to 1 s, and ioredis reconnects within 2 s of a restart.
const LANDS_WITHIN_MS = 8_000;
const TAG = 'recipes';

function newLogger() {
  return { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };
}

async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await call();
  return { result, ms: performance.now() - started };
}

const runs = new Runs();

@Controller('menu')
class MenuController {
  @Get()
  @CachePage({ ttl: 60, tags: [TAG] })
  menu() {
    return { n: runs.hit('menu') };
  }
}

describe('CacheService.invalidateTags with { retry: true }', () => {
  let server: RedisServerProcess;
  let raw: Redis;
  const caches: CacheService[] = [];

  /** A cache on the test's own server; caches sharing `keyPrefix` act as processes of one app. */
  function cacheOn(keyPrefix: string, options: CacheOptions = {}, logger = newLogger()): CacheService {
    const cache = createCache(
      { url: server.url, keyPrefix, commandTimeout: COMMAND_TIMEOUT_MS, breaker: { threshold: 1000 }, ...options },
      logger,
    );
    caches.push(cache);
    return cache;
  }

  /** A cache holding two entries that carry the tag: one `set`, one `getOrSet`. */
  async function seeded(prefix: string, logger = newLogger()): Promise<CacheService> {
    const cache = cacheOn(prefix, {}, logger);
    expect(await cache.ready()).toBe(true);
    await cache.set('recipe:1', 'old', 60, { tags: [TAG] });
    expect(await cache.getOrSet('recipe:2', () => 'old', { ttl: 60, tags: [TAG] })).toBe('old');
    expect(await cache.get('recipe:1')).toBe('old');
    return cache;
  }

  const tagKey = (prefix: string) => `${prefix}:~tag:${TAG}`;

  beforeEach(async () => {
    server = await RedisServerProcess.start();
    raw = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  });

  afterEach(async () => {
    await server.signal('SIGCONT');
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
    raw.disconnect();
    await server.stop();
  });

  describe('when Redis is stalled (SIGSTOP)', () => {
    it('resolves within the command timeout, never serves the entries, and applies the invalidation after SIGCONT', async () => {
      const prefix = uniquePrefix('retry-stop');
      const logger = newLogger();
      const cache = await seeded(prefix, logger);
      await server.signal('SIGSTOP');

      const { ms } = await timed(() => cache.invalidateTags([TAG], { retry: true }));
      expect(ms).toBeLessThan(BOUND_MS);
      expect(cache.stats()).toMatchObject({ invalidationsPending: 1, invalidationsQueued: 1 });
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining(`invalidation of ["${TAG}"] queued`));
      expect(await cache.get('recipe:1')).toBeUndefined();
      expect(await cache.getOrSet('recipe:2', () => 'new', { ttl: 60, tags: [TAG] })).toBe('new');

      await server.signal('SIGCONT');
      await waitFor(() => cache.stats().invalidationsPending === 0, LANDS_WITHIN_MS, 'the retry never landed');
      expect(await raw.exists(tagKey(prefix))).toBe(0);
      expect(await cache.get('recipe:1')).toBeUndefined();
      expect(await cache.getOrSet('recipe:2', () => 'newer', { ttl: 60, tags: [TAG] })).toBe('newer');
      expect(cache.stats().invalidationRetries).toBeGreaterThan(0);
      expect(logger.log).toHaveBeenCalledWith(expect.stringContaining('queued tag invalidation(s) applied'));
    });

    it('still throws CacheUnavailableError within the command timeout without retry, and queues nothing', async () => {
      const cache = await seeded(uniquePrefix('retry-off'));
      await server.signal('SIGSTOP');
      const started = performance.now();
      await expect(cache.invalidateTags([TAG])).rejects.toBeInstanceOf(CacheUnavailableError);
      await expect(cache.invalidateTags([TAG], { retry: false })).rejects.toBeInstanceOf(CacheUnavailableError);
      expect(performance.now() - started).toBeLessThan(2 * BOUND_MS);
      expect(cache.stats()).toMatchObject({ invalidationsPending: 0, invalidationsQueued: 0 });
    });
  });

  describe('when Redis is killed (SIGKILL) and restarted on the same port', () => {
    it('queues at once, applies the invalidation after the restart, and tags work again', async () => {
      const prefix = uniquePrefix('retry-kill');
      const cache = await seeded(prefix);
      await server.signal('SIGKILL');

      const { ms } = await timed(() => cache.invalidateTags([TAG, 'recipe:1'], { retry: true }));
      expect(ms).toBeLessThan(BOUND_MS);
      expect(cache.stats().invalidationsPending).toBe(2);
      expect(await cache.getOrSet('recipe:2', () => 'new', { ttl: 60, tags: [TAG] })).toBe('new');

      await server.start();
      await waitFor(() => cache.stats().invalidationsPending === 0, LANDS_WITHIN_MS, 'the retry never landed');
      // The restart lost the data (no persistence): nothing old can come back.
      expect(await cache.get('recipe:1')).toBeUndefined();
      await cache.set('recipe:3', 'after', 60, { tags: [TAG] });
      expect(await cache.get('recipe:3')).toBe('after');
      await cache.invalidateTags([TAG]);
      expect(await cache.get('recipe:3')).toBeUndefined();
    });
  });

  describe('when the DEL is refused but reads still work (a read-only replica)', () => {
    it('never serves an entry carrying a pending tag here, while another process still may', async () => {
      const prefix = uniquePrefix('retry-readonly');
      const cache = await seeded(prefix);
      expect(await cache.fragment('sidebar', [], 60, () => 'old sidebar', { tags: [TAG] })).toBe('old sidebar');
      const other = cacheOn(prefix);
      await other.ready();
      await raw.replicaof('127.0.0.1', await freePort());

      await cache.invalidateTags([TAG], { retry: true });
      expect(cache.stats().invalidationsPending).toBe(1);
      // The entries and the tag's token are intact in Redis: the documented cross-process window.
      expect(await other.get('recipe:1')).toBe('old');
      expect(await raw.exists(tagKey(prefix))).toBe(1);

      expect(await cache.get('recipe:1')).toBeUndefined();
      expect(await cache.get('recipe:1', 'fallback')).toBe('fallback');
      expect(await cache.has('recipe:1')).toBe(false);
      expect(await cache.getMany(['recipe:1', 'recipe:2'])).toEqual(new Map());
      expect(await cache.getOrSet('recipe:2', () => 'new', { ttl: 60, tags: [TAG] })).toBe('new');
      expect(await cache.fragment('sidebar', [], 60, () => 'new sidebar', { tags: [TAG] })).toBe('new sidebar');
      // Redis answered every read: the misses come from the pending tag, not from failing open.
      expect(cache.stats().breaker).toBe('closed');

      await raw.replicaof('NO', 'ONE');
      await waitFor(() => cache.stats().invalidationsPending === 0, LANDS_WITHIN_MS, 'the retry never landed');
      expect(await raw.exists(tagKey(prefix))).toBe(0);
      expect(await other.get('recipe:1')).toBeUndefined();
      expect(await cache.get('recipe:1')).toBeUndefined();
    });

    it('never writes a valid token for a pending tag, even once Redis accepts writes again', async () => {
      const prefix = uniquePrefix('retry-write');
      const cache = await seeded(prefix);
      const other = cacheOn(prefix);
      await other.ready();
      // A loader that started before the invalidation: it holds the tag's old (still current) token.
      let finishLoad!: (value: string) => void;
      const slowLoad = cache.getOrSet('recipe:5', () => new Promise<string>((done) => (finishLoad = done)), {
        ttl: 60,
        tags: [TAG],
      });
      await waitFor(() => finishLoad !== undefined, 2_000, 'the loader never started');
      await raw.replicaof('127.0.0.1', await freePort());
      const errorsBefore = cache.stats().errors;
      await cache.invalidateTags([TAG], { retry: true });
      // Once the fifth retry has failed (the call's own attempt is the first fault), the next one is 1 s away: a
      // wide window with Redis writable and the tag still pending.
      await waitFor(() => cache.stats().errors - errorsBefore >= 6, LANDS_WITHIN_MS, 'the retries did not back off');
      await raw.replicaof('NO', 'ONE');

      await cache.set('recipe:3', 'during', 60, { tags: [TAG] });
      expect(await cache.getOrSet('recipe:4', () => 'during', { ttl: 60, tags: [TAG] })).toBe('during');
      finishLoad('read before the invalidation');
      expect(await slowLoad).toBe('read before the invalidation');
      expect(cache.stats().invalidationsPending).toBe(1);
      // The old token is still current in Redis, yet the writes did not take it: nobody can serve them.
      expect(await raw.exists(tagKey(prefix))).toBe(1);
      expect(await other.get('recipe:3')).toBeUndefined();
      expect(await other.getOrSet('recipe:4', () => 'reloaded', { ttl: 60, tags: [TAG] })).toBe('reloaded');
      expect(await other.getOrSet('recipe:5', () => 'reloaded', { ttl: 60, tags: [TAG] })).toBe('reloaded');

      await waitFor(() => cache.stats().invalidationsPending === 0, LANDS_WITHIN_MS, 'the retry never landed');
    });

    it('never serves a page carrying a pending tag', async () => {
      const page = await pageApp({
        store: 'redis',
        controllers: [MenuController],
        cache: { url: server.url, commandTimeout: COMMAND_TIMEOUT_MS, breaker: { threshold: 1000 } },
      });
      try {
        const get = () => request(page.url).get('/menu');
        expectMiss(await get().expect(200));
        await waitFor(async () => (await get()).headers['x-cache'] === 'HIT', 3_000, 'the page was never stored');
        const before = runs.of('menu');
        await raw.replicaof('127.0.0.1', await freePort());
        await page.cache.invalidateTags([TAG], { retry: true });
        expect(page.cache.stats().invalidationsPending).toBe(1);

        const during = await get().expect(200);
        expectMiss(during);
        expect(runs.of('menu')).toBe(before + 1);

        await raw.replicaof('NO', 'ONE');
        await waitFor(() => page.cache.stats().invalidationsPending === 0, LANDS_WITHIN_MS, 'the retry never landed');
        expectMiss(await get().expect(200));
        await waitFor(async () => (await get()).headers['x-cache'] === 'HIT', 3_000, 'the page was not stored again');
        expectHit(await get().expect(200));
      } finally {
        await page.close();
      }
    });
  });

  describe('errors that are not connectivity faults', () => {
    it('still throw with retry, and queue nothing (NOPERM)', async () => {
      await raw.call('ACL', 'SETUSER', 'nodel', 'on', 'nopass', '~*', '+@all', '-del');
      const cache = cacheOn(uniquePrefix('retry-acl'), { url: `redis://nodel:x@127.0.0.1:${server.port}` });
      await cache.ready();
      await expect(cache.invalidateTags([TAG], { retry: true })).rejects.toThrow(/NOPERM/);
      expect(cache.stats().invalidationsPending).toBe(0);
    });

    it('reject a bad tag or a bad retry option before any I/O', async () => {
      const cache = cacheOn(uniquePrefix('retry-bad'));
      await expect(cache.invalidateTags(['ok', ''], { retry: true })).rejects.toThrow(/keys must not be empty/);
      await expect(cache.invalidateTags([TAG], { retry: 'yes' as unknown as boolean })).rejects.toThrow(/retry/);
    });
  });

  describe(`past ${MAX_PENDING_TAGS} distinct pending tags`, () => {
    it('folds them into one deletion of every tag token, keeping memory bounded and nothing stale', async () => {
      const prefix = uniquePrefix('retry-fold');
      const logger = newLogger();
      const cache = await seeded(prefix, logger);
      await cache.set('other', 'kept until the fold', 60, { tags: ['other'] });
      await cache.set('plain', 'untagged', 60);
      const other = cacheOn(prefix);
      await other.ready();
      await raw.replicaof('127.0.0.1', await freePort());

      const many = Array.from({ length: MAX_PENDING_TAGS }, (_, i) => `recipe:${i}`);
      await cache.invalidateTags([TAG, ...many], { retry: true });
      expect(cache.inProcessSizes().pendingInvalidations).toEqual({ size: 0, max: MAX_PENDING_TAGS });
      expect(cache.stats().invalidationsPending).toBe(MAX_PENDING_TAGS + 1);
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('folded into one deletion of every tag token'));
      await cache.invalidateTags(['late'], { retry: true });
      expect(cache.stats().invalidationsPending).toBe(MAX_PENDING_TAGS + 2);

      // Every tag reads as pending here, the tag never invalidated included; untagged entries are untouched.
      expect(await cache.get('recipe:1')).toBeUndefined();
      expect(await cache.get('other')).toBeUndefined();
      expect(await cache.get('plain')).toBe('untagged');
      expect(await other.get('other')).toBe('kept until the fold');

      await raw.replicaof('NO', 'ONE');
      await waitFor(() => cache.stats().invalidationsPending === 0, LANDS_WITHIN_MS, 'the fold never landed');
      expect(await raw.keys(`${prefix}:~tag:*`)).toEqual([]);
      expect(await other.get('recipe:1')).toBeUndefined();
      expect(await other.get('other')).toBeUndefined();
      expect(await other.get('plain')).toBe('untagged');
      // Tags work again: nothing is pending any more.
      await cache.set('other', 'after', 60, { tags: ['other'] });
      expect(await cache.get('other')).toBe('after');
      expect(await other.get('other')).toBe('after');
    });

    it('logs every tag as lost when close() cannot apply the fold', async () => {
      const logger = newLogger();
      const cache = cacheOn(uniquePrefix('retry-fold-close'), {}, logger);
      await cache.ready();
      await server.signal('SIGSTOP');
      const many = Array.from({ length: MAX_PENDING_TAGS + 1 }, (_, i) => `recipe:${i}`);
      await cache.invalidateTags(many, { retry: true });
      await cache.close();
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringMatching(/10001 tag invalidation\(s\) never applied \(every tag: more than 10000 were pending\)/),
      );
    });
  });

  describe('close()', () => {
    it('makes one last bounded attempt, then logs the tags still pending as lost', async () => {
      const logger = newLogger();
      const cache = createCache(
        { url: server.url, keyPrefix: uniquePrefix('retry-close'), commandTimeout: COMMAND_TIMEOUT_MS },
        logger,
      );
      caches.push(cache);
      await cache.ready();
      await server.signal('SIGSTOP');
      await cache.invalidateTags(['recipes', 'recipe:9'], { retry: true });
      const { ms } = await timed(() => cache.close());
      expect(ms).toBeLessThan(3 * BOUND_MS);
      expect(logger.error).toHaveBeenCalledTimes(1);
      expect(String(logger.error.mock.calls[0]?.[0])).toMatch(
        /2 tag invalidation\(s\) never applied.*"recipes".*"recipe:9"/,
      );
    });

    it('logs nothing when the invalidation lands before or at close', async () => {
      const logger = newLogger();
      const prefix = uniquePrefix('retry-close-ok');
      const cache = createCache({ url: server.url, keyPrefix: prefix, commandTimeout: COMMAND_TIMEOUT_MS }, logger);
      caches.push(cache);
      await cache.ready();
      await cache.set('recipe:1', 'old', 60, { tags: [TAG] });
      await raw.replicaof('127.0.0.1', await freePort());
      await cache.invalidateTags([TAG], { retry: true });
      await raw.replicaof('NO', 'ONE');
      await cache.close();
      expect(logger.error).not.toHaveBeenCalled();
      expect(await raw.exists(tagKey(prefix))).toBe(0);
    });
  });

  describe('on the memory store', () => {
    it('accepts the option and applies the invalidation at once', async () => {
      const cache = createCache({ store: 'memory', keyPrefix: uniquePrefix('retry-memory') }, newLogger());
      caches.push(cache);
      await cache.set('recipe:1', 'old', 60, { tags: [TAG] });
      await cache.invalidateTags([TAG], { retry: true });
      expect(await cache.get('recipe:1')).toBeUndefined();
      expect(cache.stats()).toMatchObject({ invalidationsPending: 0, invalidationsQueued: 0, invalidationRetries: 0 });
    });
  });
});
