import type { OutgoingHttpHeaders } from 'node:http';
import {
  isStrongEtag,
  resolvePageTtl,
  storedHeaders,
  strongEtag,
  unstorableReason,
  type CapturedResponse,
  type PageTtl,
} from './page-rules.js';

function sent(overrides: Partial<CapturedResponse> = {}, headers: OutgoingHttpHeaders = {}): CapturedResponse {
  const all = { 'content-type': 'text/html', ...headers };
  return {
    statusCode: 200,
    headers: all,
    rawNames: Object.keys(all),
    body: Buffer.from('<p>hi</p>'),
    streamed: false,
    transformedBelow: false,
    ...overrides,
  };
}

const GET = { method: 'GET', authorized: false };

describe('page rules', () => {
  describe('resolvePageTtl', () => {
    // Django's UpdateCacheMiddleware: page timeout, else max-age (0: not cached, headers untouched), else default.
    it.each<[number | null | undefined, string | undefined, number | null, PageTtl]>([
      [60, 'max-age=10', 300, { seconds: 60, patchHeaders: true }],
      [0, undefined, 300, { seconds: 0, patchHeaders: true }],
      [null, undefined, 300, { seconds: null, patchHeaders: false }],
      [undefined, 'max-age=10', 300, { seconds: 10, patchHeaders: true }],
      [undefined, 'public, MAX-AGE=10', 300, { seconds: 10, patchHeaders: true }],
      [undefined, 'max-age=0', 300, { seconds: 0, patchHeaders: false }],
      [undefined, 'max-age=oops', 300, { seconds: 300, patchHeaders: true }],
      [undefined, undefined, 300, { seconds: 300, patchHeaders: true }],
      [undefined, undefined, null, { seconds: null, patchHeaders: false }],
      [undefined, undefined, 0, { seconds: 0, patchHeaders: true }],
    ])('route %j, Cache-Control %j, default %j: %j', (route, cacheControl, defaultTtl, expected) => {
      expect(resolvePageTtl(route, cacheControl, defaultTtl)).toEqual(expected);
    });
  });

  describe('unstorableReason', () => {
    it.each<[string, CapturedResponse, { method: string; authorized: boolean }, string | undefined]>([
      ['a plain 200', sent(), GET, undefined],
      ['a HEAD response', sent(), { method: 'HEAD', authorized: false }, 'HEAD responses have no body to store'],
      ['a 404', sent({ statusCode: 404 }), GET, 'status 404'],
      ['a 500', sent({ statusCode: 500 }), GET, 'status 500'],
      ['a 203', sent({ statusCode: 203 }), GET, 'status 203'],
      ['a 304', sent({ statusCode: 304 }), GET, 'status 304'],
      ['a streamed body', sent({ streamed: true, body: undefined }), GET, 'streamed body'],
      ['a body compressed below', sent({ transformedBelow: true }), GET, 'body re-encoded below the page cache'],
      ['Set-Cookie', sent({}, { 'set-cookie': ['sid=1'] }), GET, 'Set-Cookie'],
      ['Cache-Control: private', sent({}, { 'cache-control': 'private' }), GET, 'Cache-Control: private'],
      [
        'Cache-Control: Private (any case)',
        sent({}, { 'cache-control': 'max-age=60, Private' }),
        GET,
        'Cache-Control: private',
      ],
      [
        'Cache-Control: private="Set-Cookie"',
        sent({}, { 'cache-control': 'private="Set-Cookie"' }),
        GET,
        'Cache-Control: private',
      ],
      ['Cache-Control: no-cache', sent({}, { 'cache-control': 'NO-CACHE' }), GET, 'Cache-Control: no-cache'],
      ['Cache-Control: no-store', sent({}, { 'cache-control': 'public, no-store' }), GET, 'Cache-Control: no-store'],
      ['Cache-Control: public', sent({}, { 'cache-control': 'public, max-age=60' }), GET, undefined],
      ['Vary: *', sent({}, { vary: 'Accept, *' }), GET, 'Vary: *'],
      ['Vary: Cookie', sent({}, { vary: 'Cookie' }), GET, undefined],
      [
        'Authorization without Vary: Authorization',
        sent({}, { vary: 'Cookie' }),
        { method: 'GET', authorized: true },
        'Authorization without Vary: Authorization',
      ],
      [
        'Authorization with Vary: authorization',
        sent({}, { vary: 'authorization' }),
        { method: 'GET', authorized: true },
        undefined,
      ],
    ])('%s: %j', (_, response, request, expected) => {
      expect(unstorableReason(response, request)).toBe(expected);
    });
  });

  describe('storedHeaders', () => {
    it.each<[string, Record<string, string | string[]>, Record<string, string>, [string, string | string[]][]]>([
      [
        'keeps what the handler set',
        { 'Content-Type': 'text/html', ETag: '"a"' },
        {},
        [
          ['Content-Type', 'text/html'],
          ['ETag', '"a"'],
        ],
      ],
      [
        'never keeps per-response and hop-by-hop headers',
        {
          'Set-Cookie': ['a=1'],
          Age: '3',
          Date: 'x',
          'X-Cache': 'MISS',
          'Server-Timing': 'db;dur=53, cache;desc="MISS";dur=0.4',
          Connection: 'close',
          'Transfer-Encoding': 'chunked',
          Vary: 'Cookie',
        },
        {},
        [['Vary', 'Cookie']],
      ],
      [
        'leaves unchanged outer-middleware headers to that middleware',
        { 'X-Request-Id': 'r1', Link: '<a>' },
        { 'x-request-id': 'r1' },
        [['Link', '<a>']],
      ],
      [
        'keeps outer headers a later layer changed',
        { Vary: 'Origin, Cookie' },
        { vary: 'Origin' },
        [['Vary', 'Origin, Cookie']],
      ],
      ['keeps repeated values', { Link: ['<a>', '<b>'] }, {}, [['Link', ['<a>', '<b>']]]],
    ])('%s', (_, headers, before, expected) => {
      const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
      const response = sent({ headers: lower, rawNames: Object.keys(headers) });
      expect(storedHeaders(response, new Map(Object.entries(before)))).toEqual(expected);
    });
  });

  describe('ETags', () => {
    it.each<[string, string, boolean]>([
      ['same bytes', 'abc', true],
      ['other bytes', 'abd', false],
    ])('a strong ETag is the same for the %s: %j', (_, other, same) => {
      expect(strongEtag(Buffer.from('abc')) === strongEtag(Buffer.from(other))).toBe(same);
    });

    it.each<[unknown, boolean]>([
      ['"abc"', true],
      ['W/"abc"', false],
      [undefined, false],
      [12, false],
    ])('%j is strong: %j', (etag, expected) => {
      expect(isStrongEtag(etag)).toBe(expected);
    });
  });
});
