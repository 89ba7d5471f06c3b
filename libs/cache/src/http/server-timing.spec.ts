import { addServerTiming, appendServerTiming, cacheTimingMetric, type CacheVerdict } from './server-timing.js';

describe('Server-Timing of the page cache', () => {
  describe('cacheTimingMetric', () => {
    it.each<[CacheVerdict, number, string]>([
      ['HIT', 0.43, 'cache;desc="HIT";dur=0.4'],
      ['STALE', 1.25, 'cache;desc="STALE";dur=1.3'],
      ['MISS', 512.04, 'cache;desc="MISS";dur=512.0'],
      ['BYPASS', 0.001, 'cache;desc="BYPASS";dur=0.0'],
      ['HIT', 0, 'cache;desc="HIT";dur=0.0'],
      // A clock that went backwards or a bad measurement never gives a negative or non-numeric duration.
      ['HIT', -3, 'cache;desc="HIT";dur=0.0'],
      ['MISS', Number.NaN, 'cache;desc="MISS";dur=0.0'],
      ['MISS', Number.POSITIVE_INFINITY, 'cache;desc="MISS";dur=0.0'],
    ])('%s after %j ms: %s', (verdict, ms, expected) => {
      expect(cacheTimingMetric(verdict, ms)).toBe(expected);
    });
  });

  describe('appendServerTiming', () => {
    const metric = 'cache;desc="HIT";dur=0.4';
    it.each<[string, number | string | readonly string[] | undefined, string]>([
      ['no header', undefined, metric],
      ['an empty header', '', metric],
      ['one metric', 'db;dur=53', `db;dur=53, ${metric}`],
      ['several metrics', 'db;dur=53, app;dur=47.2', `db;dur=53, app;dur=47.2, ${metric}`],
      ['a header set as a list', ['db;dur=53', 'app;dur=47.2'], `db;dur=53, app;dur=47.2, ${metric}`],
      ['a trailing comma', 'db;dur=53, ', `db;dur=53, ${metric}`],
      ['a number', 7, `7, ${metric}`],
    ])('to %s', (_, current, expected) => {
      expect(appendServerTiming(current, metric)).toBe(expected);
    });
  });

  describe('addServerTiming', () => {
    it('appends to what the response already carries, and keeps appending', () => {
      const headers = new Map<string, number | string | readonly string[]>([['server-timing', 'app;dur=2']]);
      const response = {
        getHeader: (name: string) => headers.get(name.toLowerCase()) as string | undefined,
        setHeader: (name: string, value: number | string | readonly string[]) => headers.set(name.toLowerCase(), value),
      };
      addServerTiming(response, 'cache;desc="MISS";dur=1.0');
      addServerTiming(response, 'edge;dur=3');
      expect(headers.get('server-timing')).toBe('app;dur=2, cache;desc="MISS";dur=1.0, edge;dur=3');
    });
  });
});
