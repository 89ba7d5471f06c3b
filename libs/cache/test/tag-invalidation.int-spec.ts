import { jest } from '@jest/globals';
import { createCache, type CacheService } from '@stash/cache';
import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';

const silentLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Commands the server executed while `action` ran, from `MONITOR` on a separate connection. */
async function commandsDuring(url: string, prefix: string, action: () => Promise<unknown>): Promise<string[]> {
  const client = new Redis(url);
  const monitor = await client.monitor();
  const seen: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((arg) => arg.includes(prefix))) seen.push(args[0]!.toLowerCase());
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await action();
  await new Promise((resolve) => setTimeout(resolve, 50));
  monitor.disconnect();
  client.disconnect();
  return seen;
}

describe('CacheService tags', () => {
  let stash: CacheService;
  let prefix: string;

  beforeEach(async () => {
    prefix = uniquePrefix('tags');
    stash = createCache({ url: testRedisUrl(), keyPrefix: prefix }, silentLogger);
    await stash.ready();
  });

  afterEach(async () => {
    await stash.clear();
    await stash.close();
  });

  it('makes entries carrying an invalidated tag miss, and leaves the others', async () => {
    await stash.set('recipe:1', 'soup', 60, { tags: ['recipes', 'recipe:1'] });
    await stash.set('recipe:2', 'cake', 60, { tags: ['recipes', 'recipe:2'] });
    await stash.set('untagged', 'plain', 60);
    await stash.getOrSet('food:1', () => 'tomato', { tags: ['foods'] });

    await stash.invalidateTags(['recipe:1']);
    expect(await stash.get('recipe:1')).toBeUndefined();
    expect(await stash.get('recipe:2')).toBe('cake');
    expect(await stash.getMany(['recipe:1', 'recipe:2', 'untagged'])).toEqual(
      new Map([
        ['recipe:2', 'cake'],
        ['untagged', 'plain'],
      ]),
    );

    await stash.invalidateTags(['recipes']);
    expect(await stash.has('recipe:2')).toBe(false);
    expect(await stash.get('food:1')).toBe('tomato');
  });

  it('never serves as fresh a value whose loader started before the invalidation', async () => {
    const loaderStarted = deferred<void>();
    const release = deferred<string>();
    const slowRead = stash.getOrSet(
      'recipe:1',
      () => {
        loaderStarted.resolve();
        return release.promise;
      },
      { ttl: 60, tags: ['recipe:1'] },
    );
    await loaderStarted.promise;
    await stash.invalidateTags(['recipe:1']);
    release.resolve('read before the write committed');
    expect(await slowRead).toBe('read before the write committed');

    expect(await stash.get('recipe:1')).toBeUndefined();
    expect(await stash.getOrSet('recipe:1', () => 'fresh', { ttl: 60, tags: ['recipe:1'] })).toBe('fresh');
  });

  it.each([
    ['the same cache', false],
    ['another cache on its own connection (another process)', true],
  ])('never returns an older version after an invalidation, with readers on %s', async (_, separate) => {
    const readerCache = separate ? createCache({ url: testRedisUrl(), keyPrefix: prefix }, silentLogger) : stash;
    await readerCache.ready();
    let version = 0;
    const violations: string[] = [];
    const load = async () => {
      const seen = version;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      return seen;
    };
    const deadline = Date.now() + 1_500;
    const writer = (async () => {
      while (Date.now() < deadline) {
        version++;
        await stash.invalidateTags(['counter']);
        const committed = version;
        const read = await readerCache.getOrSet('counter', load, { ttl: 60, tags: ['counter'] });
        if (read < committed) violations.push(`read ${read} after committing ${committed}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const readers = Array.from({ length: 8 }, async () => {
      while (Date.now() < deadline) await readerCache.getOrSet('counter', load, { ttl: 60, tags: ['counter'] });
    });
    await Promise.all([writer, ...readers]);
    if (separate) await readerCache.close();
    expect(version).toBeGreaterThan(20);
    expect(violations).toEqual([]);
  });

  it('treats a tag key that vanished (evicted) as invalid, for good', async () => {
    await stash.set('k', 'v', 60, { tags: ['t'] });
    const raw = new Redis(testRedisUrl());
    await raw.del(`${prefix}:~tag:t`);
    expect(await stash.get('k')).toBeUndefined();
    await stash.set('other', 'w', 60, { tags: ['t'] });
    expect(await stash.get('k')).toBeUndefined();
    expect(await stash.get('other')).toBe('w');
    await raw.quit();
  });

  it('costs one round trip for a tagged getOrSet hit: GET and MGET, pipelined', async () => {
    const options = { ttl: 60, tags: ['recipes', 'recipe:1'] };
    await stash.getOrSet('recipe:1', () => 'soup', options);
    const loader = jest.fn(() => 'never');
    const commands = await commandsDuring(testRedisUrl(), prefix, async () => {
      expect(await stash.getOrSet('recipe:1', loader, options)).toBe('soup');
    });
    expect(commands).toEqual(['get', 'mget']);
    expect(loader).not.toHaveBeenCalled();
  });

  it('costs one GET for an untagged hit', async () => {
    await stash.set('plain', 'value');
    const commands = await commandsDuring(testRedisUrl(), prefix, () => stash.get('plain'));
    expect(commands).toEqual(['get']);
  });
});
