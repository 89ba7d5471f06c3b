import { cacheServerTiming, type CacheStatus } from './cached-read.js';

describe('cacheServerTiming', () => {
  it.each<[CacheStatus, number, string]>([
    ['HIT', 0.4321, 'cache;desc="HIT";dur=0.4'],
    ['MISS', 12.06, 'cache;desc="MISS";dur=12.1'],
    ['HIT', 0, 'cache;desc="HIT";dur=0.0'],
    ['MISS', -0.001, 'cache;desc="MISS";dur=0.0'],
    ['MISS', 1500, 'cache;desc="MISS";dur=1500.0'],
  ])('%s in %d ms → %s', (status, durationMs, expected) => {
    expect(cacheServerTiming(status, durationMs)).toBe(expected);
  });
});
