import type { IncomingHttpHeaders } from 'node:http';
import { globToRegExp } from '../store/memory-cache-store.js';
import { pageEntryKey, pageKeys, pagePattern, varyHash, type PageIdentity } from './page-key.js';

const URL = 'http://testserver/cache/test/';

/** The key a lookup computes for a request: identity, key prefix, and the learned names with its headers. */
function keyOf(identity: PageIdentity, keyPrefix: string, names: readonly string[], headers: IncomingHttpHeaders) {
  return pageEntryKey(pageKeys(identity, keyPrefix).idHash, keyPrefix, 'GET', varyHash(names, headers));
}

describe('page keys', () => {
  // Django: CacheUtils.test_get_cache_key, test_get_cache_key_with_query, test_cache_key_varies_by_url,
  // test_learn_cache_key, and the holes Stash closes.
  it.each<[string, () => string, () => string, boolean]>([
    [
      'the same URL and headers share a key',
      () => keyOf({ url: URL }, '', [], {}),
      () => keyOf({ url: URL }, '', [], {}),
      true,
    ],
    [
      'a key prefix is taken into account',
      () => keyOf({ url: URL }, '', [], {}),
      () => keyOf({ url: URL }, 'localprefix', [], {}),
      false,
    ],
    [
      'the query string is taken into account',
      () => keyOf({ url: URL }, '', [], {}),
      () => keyOf({ url: `${URL}?test=1` }, '', [], {}),
      false,
    ],
    [
      'keys differ by fully qualified URL, not path',
      () => keyOf({ url: 'http://sub-1.example.com/cache/test/' }, '', [], {}),
      () => keyOf({ url: 'http://sub-2.example.com/cache/test/' }, '', [], {}),
      false,
    ],
    [
      'the scheme is taken into account',
      () => keyOf({ url: 'http://h/' }, '', [], {}),
      () => keyOf({ url: 'https://h/' }, '', [], {}),
      false,
    ],
    [
      'headers the response varies on are part of the key',
      () => keyOf({ url: URL }, '', ['accept-language'], { 'accept-language': 'en' }),
      () => keyOf({ url: URL }, '', ['accept-language'], { 'accept-language': 'fr' }),
      false,
    ],
    [
      'headers the response does not vary on are not',
      () => keyOf({ url: URL }, '', ['accept-language'], { 'accept-language': 'en', cookie: 'a=1' }),
      () => keyOf({ url: URL }, '', ['accept-language'], { 'accept-language': 'en', cookie: 'a=2' }),
      true,
    ],
    [
      'a missing header and an empty one differ (Django hashes both as nothing)',
      () => keyOf({ url: URL }, '', ['pony'], {}),
      () => keyOf({ url: URL }, '', ['pony'], { pony: '' }),
      false,
    ],
    [
      'a learned but missing header differs from no Vary at all (Django: test_learn_cache_key)',
      () => keyOf({ url: URL }, '', ['pony'], {}),
      () => keyOf({ url: URL }, '', [], {}),
      false,
    ],
    [
      'value boundaries count (Django concatenates "ab"+"" and "a"+"b" alike)',
      () => keyOf({ url: URL }, '', ['x-a', 'x-b'], { 'x-a': 'ab', 'x-b': '' }),
      () => keyOf({ url: URL }, '', ['x-a', 'x-b'], { 'x-a': 'a', 'x-b': 'b' }),
      false,
    ],
    [
      'a header value cannot pose as another header',
      () => keyOf({ url: URL }, '', ['x-a', 'x-b'], { 'x-a': 'v' }),
      () => keyOf({ url: URL }, '', ['x-a', 'x-b'], { 'x-b': 'v' }),
      false,
    ],
    [
      'a URL and an explicit key never meet',
      () => keyOf({ url: 'x' }, '', [], {}),
      () => keyOf({ key: 'x' }, '', [], {}),
      false,
    ],
  ])('%s', (_, first, second, same) => {
    expect(first() === second()).toBe(same);
  });

  it.each<[string, boolean]>([
    [pageEntryKey(pageKeys({ url: URL }, '').idHash, '', 'GET', 'h'.repeat(22)), true],
    [pageEntryKey(pageKeys({ url: URL }, 'a:b').idHash, 'a:b', 'GET', 'h'.repeat(22)), true],
    [pageKeys({ url: URL }, '').varyKey, true],
    [pageKeys({ url: URL }, 'other').varyKey, true],
    [pageKeys({ url: `${URL}?x` }, '').varyKey, false],
    [pageEntryKey(pageKeys({ key: URL }, '').idHash, '', 'GET', 'h'.repeat(22)), false],
  ])("the URL's SCAN pattern matches %j: %j", (key, matches) => {
    expect(globToRegExp(pagePattern(pageKeys({ url: URL }, '').idHash)).test(key)).toBe(matches);
  });

  it('keeps page keys short enough for the default maxKeyLength, hashes included', () => {
    const key = pageEntryKey(
      pageKeys({ url: `${URL}${'x'.repeat(5000)}` }, 'prefix').idHash,
      'prefix',
      'GET',
      varyHash([], {}),
    );
    expect(key).toMatch(/^~page:[\w-]{22}:prefix:GET:[\w-]{22}$/);
  });
});
