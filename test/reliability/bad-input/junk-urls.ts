/**
 * Junk on the cached routes' URLs, which read no query parameter: each must be answered as the clean URL is, from
 * the page it shares (`X-Cache: HIT` on the pages), and store nothing new.
 */
export const JUNK_QUERIES: readonly string[] = [
  '?utm_source=newsletter&utm_medium=email',
  '?junk=1',
  '?a=1&a=2&a=3',
  '?x[y][z]=1&__proto__[admin]=1',
  '?constructor[prototype][admin]=1',
  '?%E0%A4%A=1',
  '?a=%',
  '?a=%00',
  '?&&&;;',
  '?id=2',
  `?${'q'.repeat(6_000)}=1`,
  `?${Array.from({ length: 500 }, (_, i) => `p${i}=${i}`).join('&')}`,
];

/** The cached routes junk is sent to, with the status their clean URL answers. */
export const CACHED_ROUTES = ['/cookbook/', '/cookbook/recipes/1', '/dashboard', '/api/recipes', '/api/recipes/1'];

/** URLs no route can serve, each with the 4xx it gets (never a 5xx), and nothing stored for it. */
export const BAD_URLS: ReadonlyArray<readonly [string, string, number]> = [
  ['a 20 KB query string (over Node’s 16 KB header limit)', `/cookbook/?x=${'a'.repeat(20_000)}`, 431],
  ['broken percent-encoding in the page path', '/cookbook/%E0%A4%A', 400],
  ['an encoded NUL after a page id', '/cookbook/recipes/1%00', 404],
  ['an encoded dot-dot after a page id', '/cookbook/recipes/1%2F..%2F2', 404],
  ['a page id followed by a semicolon', '/cookbook/recipes/1;x', 404],
  ['an API id with a query-looking suffix', '/api/recipes/1%3Fx=1', 400],
];
