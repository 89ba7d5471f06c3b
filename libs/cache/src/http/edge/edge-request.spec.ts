import type { IncomingHttpHeaders } from 'node:http';
import { queryRules } from '../page-url.js';
import { edgePathKey, edgeUrlParts, edgeVariantKey, type EdgeRequestLine } from './edge-request.js';

const ALLOWED = ['example.com', '.example.org'];
const line = (overrides: Partial<EdgeRequestLine> = {}): EdgeRequestLine => ({
  method: 'GET',
  url: '/recipes?page=2',
  headers: { host: 'example.com' },
  encrypted: false,
  ...overrides,
});
const trusting = () => true;
const notTrusting = () => false;

describe('edgeUrlParts', () => {
  it.each<[string, Partial<EdgeRequestLine>, ReturnType<typeof edgeUrlParts>]>([
    ['a plain GET', {}, { protocol: 'http', host: 'example.com', target: '/recipes?page=2' }],
    ['a HEAD', { method: 'HEAD' }, { protocol: 'http', host: 'example.com', target: '/recipes?page=2' }],
    ['TLS', { encrypted: true }, { protocol: 'https', host: 'example.com', target: '/recipes?page=2' }],
    [
      'a subdomain with a port',
      { headers: { host: 'www.example.org:8080' } },
      {
        protocol: 'http',
        host: 'www.example.org:8080',
        target: '/recipes?page=2',
      },
    ],
    ['POST', { method: 'POST' }, undefined],
    ['an absolute-form target', { url: 'http://example.com/recipes' }, undefined],
    ['no Host', { headers: {} }, undefined],
    ['a Host not allowed', { headers: { host: 'evil.test' } }, undefined],
    ['a Host with a path', { headers: { host: 'example.com/x' } }, undefined],
    ['a Host with userinfo', { headers: { host: 'a@example.com' } }, undefined],
  ])('%s', (_, overrides, expected) => {
    expect(edgeUrlParts(line(overrides), ALLOWED, notTrusting)).toEqual(expected);
  });

  it.each([
    'cookie',
    'authorization',
    'if-none-match',
    'if-modified-since',
    'if-match',
    'if-unmodified-since',
    'if-range',
    'range',
    'cache-control',
    'pragma',
    'expect',
    'content-length',
    'transfer-encoding',
    'upgrade',
  ])('steps aside for a request with %s', (name) => {
    expect(edgeUrlParts(line({ headers: { host: 'example.com', [name]: 'x' } }), ALLOWED, notTrusting)).toBeUndefined();
  });

  it.each(['forwarded', 'x-forwarded-host', 'x-forwarded-proto'])(
    'steps aside for %s only when Express trusts the proxy',
    (name) => {
      const headers: IncomingHttpHeaders = { host: 'example.com', [name]: 'evil.test' };
      expect(edgeUrlParts(line({ headers }), ALLOWED, trusting)).toBeUndefined();
      expect(edgeUrlParts(line({ headers }), ALLOWED, notTrusting)).toBeDefined();
    },
  );
});

describe('edge keys', () => {
  const rules = queryRules(['utm_*'], true);
  const parts = { protocol: 'http', host: 'Example.com', target: '/recipes?utm_source=x&b=2&a=1' };

  it('file a page under its path, and its variants under the URL the page cache keys it by', () => {
    expect(edgePathKey(parts, rules)).toBe('http://example.com/recipes');
    expect(edgeVariantKey(parts, rules, [], {})).toBe('http://example.com/recipes?a=1&b=2');
  });

  it('tell Vary values apart, a missing header from an empty one included', () => {
    const keys = [
      edgeVariantKey(parts, rules, ['accept-language'], { 'accept-language': 'en' }),
      edgeVariantKey(parts, rules, ['accept-language'], { 'accept-language': 'fr' }),
      edgeVariantKey(parts, rules, ['accept-language'], { 'accept-language': '' }),
      edgeVariantKey(parts, rules, ['accept-language'], {}),
      edgeVariantKey(parts, rules, ['accept'], { accept: 'en' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
