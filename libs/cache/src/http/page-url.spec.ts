import {
  absolutePageUrl,
  isAllowedHost,
  keepingOnly,
  normalizeQuery,
  parseAbsoluteUrl,
  queryRules,
  type UrlParts,
} from './page-url.js';

const EXACT = queryRules([], false);
const TRACKERS = queryRules(['utm_*', 'fbclid'], false);
const SORTED = queryRules([], true);
const BOTH = queryRules(['utm_*', 'fbclid'], true);

describe('page-url', () => {
  describe('normalizeQuery', () => {
    it.each<[string, string, ReturnType<typeof queryRules>, string]>([
      ['keeps the query as sent by default', 'b=2&a=1', EXACT, 'b=2&a=1'],
      ['drops empty segments', '&a=1&&b=2&', EXACT, 'a=1&b=2'],
      ['drops an exact name', 'a=1&fbclid=xyz', TRACKERS, 'a=1'],
      ['drops names under a prefix', 'utm_source=x&a=1&utm_medium=y', TRACKERS, 'a=1'],
      ['matches names after percent-decoding', 'utm%5Fsource=x&a=1', TRACKERS, 'a=1'],
      ['compares names case-sensitively', 'UTM_source=x', TRACKERS, 'UTM_source=x'],
      ['drops a bare ignored name', 'fbclid&a=1', TRACKERS, 'a=1'],
      ['keeps a name that only starts like an exact one', 'fbclid2=1', TRACKERS, 'fbclid2=1'],
      ['sorts by name', 'b=2&a=1&c=3', SORTED, 'a=1&b=2&c=3'],
      ['keeps repeated names in their order', 'b=2&a=2&a=1', SORTED, 'a=2&a=1&b=2'],
      ['keeps values as sent', 'q=a%20b&q=a+b', SORTED, 'q=a%20b&q=a+b'],
      ['drops, then sorts', 'utm_id=1&z=1&fbclid=2&a=1', BOTH, 'a=1&z=1'],
      ['returns nothing when everything is dropped', 'utm_id=1&fbclid=2', BOTH, ''],
      ['keeps only the named parameters', 'x=1&q=a&utm_id=2&q=b', keepingOnly(TRACKERS, ['q', 'utm_id']), 'q=a&q=b'],
      ['keeps nothing when none is named', 'x=1&q=a&%E0%A4%A=1&q', keepingOnly(EXACT, []), ''],
      ['matches kept names after percent-decoding', 'q%5B%5D=1&q[]=2', keepingOnly(EXACT, ['q[]']), 'q%5B%5D=1&q[]=2'],
    ])('%s: %j', (_, query, rules, expected) => {
      expect(normalizeQuery(query, rules)).toBe(expected);
    });
  });

  describe('absolutePageUrl', () => {
    it.each<[string, UrlParts, ReturnType<typeof queryRules>, string]>([
      ['scheme, host and path', { protocol: 'http', host: 'example.com', target: '/a' }, EXACT, 'http://example.com/a'],
      ['the port', { protocol: 'https', host: 'example.com:8443', target: '/a' }, EXACT, 'https://example.com:8443/a'],
      ['a lower-cased host', { protocol: 'HTTP', host: 'Example.COM', target: '/A' }, EXACT, 'http://example.com/A'],
      ['the query', { protocol: 'http', host: 'h', target: '/a?x=1' }, EXACT, 'http://h/a?x=1'],
      ['no empty "?"', { protocol: 'http', host: 'h', target: '/a?' }, EXACT, 'http://h/a'],
      [
        'no "?" once trackers are dropped',
        { protocol: 'http', host: 'h', target: '/a?utm_id=1' },
        TRACKERS,
        'http://h/a',
      ],
      ['a sorted query', { protocol: 'http', host: 'h', target: '/a?b=1&a=1' }, SORTED, 'http://h/a?a=1&b=1'],
    ])('keeps %s', (_, parts, rules, expected) => {
      expect(absolutePageUrl(parts, rules)).toBe(expected);
    });
  });

  describe('parseAbsoluteUrl', () => {
    it.each<[string, UrlParts | undefined]>([
      ['https://example.com/recipes?page=2', { protocol: 'https', host: 'example.com', target: '/recipes?page=2' }],
      ['http://example.com:8080', { protocol: 'http', host: 'example.com:8080', target: '/' }],
      ['HTTP://Example.com/a#frag', { protocol: 'HTTP', host: 'Example.com', target: '/a' }],
      ['/recipes', undefined],
      ['ftp://example.com/a', undefined],
      ['example.com/a', undefined],
    ])('splits %j', (url, expected) => {
      expect(parseAbsoluteUrl(url)).toEqual(expected);
    });
  });

  describe('isAllowedHost', () => {
    // Django: validate_host / is_same_domain, and get_host's host_validation_re.
    it.each<[string | undefined, string[], boolean]>([
      ['example.com', ['example.com'], true],
      ['EXAMPLE.com', ['example.com'], true],
      ['example.com', ['EXAMPLE.COM'], true],
      ['example.com.', ['example.com'], true],
      ['www.example.com', ['example.com'], false],
      ['example.com', ['.example.com'], true],
      ['www.example.com', ['.example.com'], true],
      ['a.b.example.com', ['.example.com'], true],
      ['evil-example.com', ['.example.com'], false],
      ['example.com.evil.org', ['.example.com'], false],
      ['anything.org', ['*'], true],
      ['127.0.0.1', ['127.0.0.1'], true],
      ['[::1]', ['[::1]'], true],
      [undefined, ['*'], false],
      ['', ['*'], false],
      ['exa mple.com', ['*'], false],
      ['example.com/evil', ['*'], false],
      ['example.com', [''], false],
      // The host as sent, port included: it is part of the page key, so nothing else may follow the name.
      ['example.com:8000', ['example.com'], true],
      ['example.com.:8000', ['example.com'], true],
      ['shop.example.com:443', ['.example.com'], true],
      ['[::1]:3000', ['[::1]'], true],
      ['127.0.0.1:3000', ['127.0.0.1'], true],
      ['example.com:8000/cookbook/recipes', ['*'], false],
      ['example.com:80?x=/a', ['*'], false],
      ['example.com:abc', ['*'], false],
      ['example.com:', ['*'], false],
      ['evil.test@example.com:80', ['*'], false],
      ['example.com:80:80', ['*'], false],
    ])('%j under %j: %j', (host, allowed, expected) => {
      expect(isAllowedHost(host, allowed)).toBe(expected);
    });
  });
});
