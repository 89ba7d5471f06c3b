import { CacheConfigError } from '../errors/cache-config.error.js';
import { NEAR_DEFAULTS, resolveNearOptions } from './near-options.js';

describe('resolveNearOptions', () => {
  it.each([
    [undefined, undefined],
    [false, undefined],
    [true, { maxEntries: 10_000, maxBytes: 32 * 1024 * 1024, ttlMs: 60_000, heartbeatMs: 500, staleAfterMs: 1_000 }],
    [
      { maxEntries: 5, maxBytes: 1024, ttl: 0.5, heartbeatMs: 50 },
      { maxEntries: 5, maxBytes: 1024, ttlMs: 500, heartbeatMs: 50, staleAfterMs: 100 },
    ],
  ])('resolves %j to %j', (raw, expected) => {
    expect(resolveNearOptions('near', raw as never, 'redis')).toEqual(expected);
  });

  it('takes its defaults from NEAR_DEFAULTS', () => {
    expect(resolveNearOptions('near', {}, 'redis')).toMatchObject({
      maxEntries: NEAR_DEFAULTS.maxEntries,
      maxBytes: NEAR_DEFAULTS.maxBytes,
      ttlMs: NEAR_DEFAULTS.ttl * 1000,
      heartbeatMs: NEAR_DEFAULTS.heartbeatMs,
    });
  });

  it.each([
    ['caches.a.near', true, 'memory', 'caches.a.near', /memory store lives in process/],
    ['near', {}, 'dummy', 'near', /dummy store/],
    ['near', 'on', 'redis', 'near', /true, false, or/],
    ['near', [], 'redis', 'near', /true, false, or/],
    ['near', { maxEntries: 0 }, 'redis', 'near.maxEntries', /integer from 1/],
    ['near', { maxEntries: 2.5 }, 'redis', 'near.maxEntries', /integer/],
    ['near', { maxBytes: -1 }, 'redis', 'near.maxBytes', /integer from 1/],
    ['near', { ttl: 0 }, 'redis', 'near.ttl', /seconds > 0/],
    ['near', { ttl: Infinity }, 'redis', 'near.ttl', /seconds > 0/],
    ['near', { heartbeatMs: 9 }, 'redis', 'near.heartbeatMs', /integer from 10/],
    ['near', { heartbeatMs: 2 ** 31 }, 'redis', 'near.heartbeatMs', /integer from 10/],
    ['near', { maxentries: 3 }, 'redis', 'near.maxentries', /one of maxEntries/],
  ])('at %s refuses %j on store %s, naming %s', (at, raw, store, option, message) => {
    let error: unknown;
    try {
      resolveNearOptions(at, raw as never, store);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CacheConfigError);
    expect((error as CacheConfigError).option).toBe(option);
    expect((error as Error).message).toMatch(message);
  });
});
