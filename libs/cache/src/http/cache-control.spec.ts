import {
  addNeverCacheHeaders,
  cacheControlDirectives,
  getMaxAge,
  httpDate,
  parseCacheControl,
  patchCacheControl,
  patchResponseHeaders,
  type CacheControlDirectives,
  type CacheControlOptions,
  type HeaderAccess,
} from './cache-control.js';

/** Response headers as a plain map: the pure helpers only get and set them. */
class Headers implements HeaderAccess {
  readonly values = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.values.set(name.toLowerCase(), value);
  }

  getHeader(name: string): string | undefined {
    return this.values.get(name.toLowerCase());
  }

  setHeader(name: string, value: string): void {
    this.values.set(name.toLowerCase(), value);
  }
}

const parts = (header: string) => new Set(header.split(/\s*,\s*/));
const NOW = Date.UTC(2024, 0, 1, 12, 0, 0);

describe('cache-control', () => {
  describe('patchCacheControl', () => {
    // Django: tests/cache/tests.py CacheUtils.test_patch_cache_control (kwargs in header form).
    it.each<[string | undefined, CacheControlDirectives, string[]]>([
      [undefined, { private: true }, ['private']],
      ['', { private: true }, ['private']],
      ['', { no_cache: 'Set-Cookie' }, ['no-cache=Set-Cookie']],
      ['', { 'no-cache': 'Set-Cookie' }, ['no-cache=Set-Cookie']],
      ['no-cache=Set-Cookie', { no_cache: true }, ['no-cache']],
      ['no-cache=Set-Cookie,no-cache=Link', { no_cache: true }, ['no-cache']],
      ['no-cache=Set-Cookie', { no_cache: 'Link' }, ['no-cache=Set-Cookie', 'no-cache=Link']],
      [
        'no-cache=Set-Cookie,no-cache=Link',
        { no_cache: 'Custom' },
        ['no-cache=Set-Cookie', 'no-cache=Link', 'no-cache=Custom'],
      ],
      ['private', { private: true }, ['private']],
      ['private', { public: true }, ['public']],
      ['public', { public: true }, ['public']],
      ['public', { private: true }, ['private']],
      ['must-revalidate,max-age=60,private', { public: true }, ['must-revalidate', 'max-age=60', 'public']],
      ['must-revalidate,max-age=60,public', { private: true }, ['must-revalidate', 'max-age=60', 'private']],
      ['must-revalidate,max-age=60', { public: true }, ['must-revalidate', 'max-age=60', 'public']],
    ])('patches %j with %j into %j', (initial, patch, expected) => {
      expect(parts(patchCacheControl(initial, patch))).toEqual(new Set(expected));
    });

    it.each<[string, CacheControlDirectives, string]>([
      ['max-age=60', { 'max-age': 30 }, 'max-age=30'],
      ['max-age=10', { 'max-age': 30 }, 'max-age=10'],
      ['public, MAX-AGE=10', { 'max-age': 30 }, 'public, max-age=10'],
      ['max-age=oops', { 'max-age': 30 }, 'max-age=30'],
    ])('keeps the smaller max-age: %j + %j gives %j', (initial, patch, expected) => {
      expect(patchCacheControl(initial, patch)).toBe(expected);
    });
  });

  describe('parseCacheControl', () => {
    it.each<[string | undefined, [string, true | string][]]>([
      [undefined, []],
      ['', []],
      ['Private', [['private', true]]],
      [
        '  No-Store ,MAX-AGE=5 ',
        [
          ['no-store', true],
          ['max-age', '5'],
        ],
      ],
      ['no-cache="Set-Cookie"', [['no-cache', '"Set-Cookie"']]],
    ])('reads %j case-insensitively', (header, expected) => {
      expect([...parseCacheControl(header)]).toEqual(expected);
    });
  });

  describe('getMaxAge', () => {
    it.each<[string | undefined, number | undefined]>([
      [undefined, undefined],
      ['', undefined],
      ['max-age=60', 60],
      ['public, MAX-AGE=3600', 3600],
      ['max-age=0', 0],
      ['max-age=abc', undefined],
      ['max-age="60"', undefined],
      ['max-age=-1', undefined],
      ['no-cache', undefined],
      ['s-maxage=60', undefined],
    ])('reads %j as %j', (header, expected) => {
      expect(getMaxAge(header)).toBe(expected);
    });
  });

  describe('patchResponseHeaders', () => {
    it.each<[Record<string, string>, number, Record<string, string>]>([
      [{}, 60, { expires: httpDate(NOW + 60_000), 'cache-control': 'max-age=60' }],
      [{ 'Cache-Control': 'public' }, 60, { expires: httpDate(NOW + 60_000), 'cache-control': 'public, max-age=60' }],
      [{ Expires: 'then' }, 60, { expires: 'then', 'cache-control': 'max-age=60' }],
      [{ 'Cache-Control': 'max-age=10' }, 60, { expires: httpDate(NOW + 60_000), 'cache-control': 'max-age=10' }],
      [{}, -1, { expires: httpDate(NOW), 'cache-control': 'max-age=0' }],
      [{}, 0.5, { expires: httpDate(NOW), 'cache-control': 'max-age=0' }],
    ])('patches %j for %j s into %j', (initial, ttl, expected) => {
      const headers = new Headers(initial);
      patchResponseHeaders(headers, ttl, NOW);
      expect(Object.fromEntries(headers.values)).toEqual(expected);
    });
  });

  describe('addNeverCacheHeaders', () => {
    it.each<[Record<string, string>, string[]]>([
      [{}, ['max-age=0', 'no-cache', 'no-store', 'must-revalidate', 'private']],
      [{ 'Cache-Control': 'public, max-age=600' }, ['max-age=0', 'no-cache', 'no-store', 'must-revalidate', 'private']],
    ])("sets Django's never_cache headers over %j", (initial, expected) => {
      const headers = new Headers(initial);
      addNeverCacheHeaders(headers, NOW);
      expect(parts(headers.getHeader('cache-control')!)).toEqual(new Set(expected));
      expect(headers.getHeader('expires')).toBe(httpDate(NOW));
    });
  });

  describe('cacheControlDirectives', () => {
    it.each<[CacheControlOptions, CacheControlDirectives]>([
      [
        { maxAge: 60, public: true },
        { 'max-age': 60, public: true },
      ],
      [
        { sMaxAge: 600, staleWhileRevalidate: 30 },
        { 's-maxage': 600, 'stale-while-revalidate': 30 },
      ],
      [
        { private: 'Set-Cookie', noCache: true },
        { private: 'Set-Cookie', 'no-cache': true },
      ],
      [
        { noStore: true, mustRevalidate: true, immutable: false },
        { 'no-store': true, 'must-revalidate': true },
      ],
      [
        { staleIfError: 60, proxyRevalidate: true, noTransform: true },
        { 'stale-if-error': 60, 'proxy-revalidate': true, 'no-transform': true },
      ],
    ])('maps %j to %j', (options, expected) => {
      expect(cacheControlDirectives(options)).toEqual(expected);
    });
  });
});
