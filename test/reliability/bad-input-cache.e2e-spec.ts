import { createCache, type CacheService } from '@stash/cache';
import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../support/test-redis.js';
import { recordResult } from '../tools/reliability-log.js';
import { BAD_ARGUMENT_CALLS } from './bad-input/cache-bad-arguments.js';
import { BAD_KEY_VALUE_CALLS } from './bad-input/cache-bad-values.js';
import { COUNTER, EXISTING, MAX_VALUE_BYTES } from './bad-input/cache-fixture.js';
import { snapshotKeys, type RedisSnapshot } from './bad-input/redis-snapshot.js';

// Scenario 7 (docs/reliability.md), CacheService side: every bad key, value, TTL, tag, version, lock argument and
// many-key call throws its documented error class, naming the argument and the value, before any I/O: the bytes
// under the cache's prefix are the same after the call, and the previous value reads back through the API.
// The contract (libs/cache/test/support/contract-bad-input.ts, contract-limits.ts) runs the key/value/TTL tables
// on every store and codec; this adds the raw before/after check and the arguments the contract does not cover.

const quiet = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

describe('scenario 7: bad input to CacheService on a real Redis', () => {
  let raw: Redis;
  let cache: CacheService;
  let prefix: string;
  let before: RedisSnapshot;
  const tally = new Map<string, { cases: number; typed: number; unchanged: number }>();

  beforeAll(() => {
    raw = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  });

  beforeEach(async () => {
    prefix = uniquePrefix('bad-input');
    cache = createCache({ url: testRedisUrl(), keyPrefix: prefix, maxValueBytes: MAX_VALUE_BYTES }, quiet);
    expect(await cache.ready()).toBe(true);
    await cache.set(EXISTING.key, EXISTING.value, EXISTING.ttl, { tags: [EXISTING.tag] });
    await cache.set(COUNTER.key, COUNTER.value, EXISTING.ttl);
    before = await snapshotKeys(raw, `${prefix}:*`);
  });

  afterEach(async () => {
    await cache.clear();
    await cache.close();
  });

  afterAll(async () => {
    await raw.quit();
    let total = 0;
    for (const [boundary, counts] of tally) {
      recordResult('7', `CacheService: ${boundary}`, counts);
      total += counts.cases;
    }
    recordResult('7', 'CacheService: all boundaries', { cases: total, boundaries: tally.size });
  });

  it('starts from an entry, its tag token and a counter in Redis', () => {
    expect(before.map(([key]) => key)).toEqual([
      `${prefix}:1:${COUNTER.key}`,
      `${prefix}:1:${EXISTING.key}`,
      `${prefix}:~tag:${EXISTING.tag}`,
    ]);
  });

  it.each([...BAD_KEY_VALUE_CALLS, ...BAD_ARGUMENT_CALLS].map((bad) => [bad.boundary, bad.input, bad] as const))(
    '%s: %s throws its typed error naming it, and changes nothing',
    async (boundary, _input, bad) => {
      const counts = tally.get(boundary) ?? { cases: 0, typed: 0, unchanged: 0 };
      tally.set(boundary, { ...counts, cases: counts.cases + 1 });
      const thrown = await bad.call(cache).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(thrown).toBeInstanceOf(bad.error);
      expect((thrown as Error).message).toMatch(bad.message);
      tally.get(boundary)!.typed++;

      expect(await snapshotKeys(raw, `${prefix}:*`)).toEqual(before);
      expect((await raw.getBuffer(`${prefix}:1:${EXISTING.key}`))?.toString()).toContain('"kept"');
      expect(await cache.get(EXISTING.key)).toEqual(EXISTING.value);
      expect(await cache.ttl(EXISTING.key)).toBeGreaterThan(EXISTING.ttl - 10);
      expect(await cache.get(COUNTER.key)).toBe(COUNTER.value);
      // Bad input is the caller's fault, never a connectivity fault: nothing is counted against Redis.
      expect(cache.stats()).toMatchObject({ errors: 0, breaker: 'closed' });
      tally.get(boundary)!.unchanged++;
    },
  );

  it('sees a change when there is one (the control): a good write, a good invalidation', async () => {
    await cache.set(EXISTING.key, 'replaced', 60);
    expect(await snapshotKeys(raw, `${prefix}:*`)).not.toEqual(before);
    await cache.set(EXISTING.key, EXISTING.value, EXISTING.ttl, { tags: [EXISTING.tag] });
    await cache.invalidateTags([EXISTING.tag]);
    expect(await cache.get(EXISTING.key)).toBeUndefined();
  });
});
