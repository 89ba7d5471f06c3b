import { Controller, Get, Redirect, Render, Res, Sse, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CacheControl } from '../decorators/cache-control.decorator.js';
import { CacheKey } from '../decorators/cache-key.decorator.js';
import { CachePage } from '../decorators/cache-page.decorator.js';
import { NeverCache } from '../decorators/never-cache.decorator.js';
import { VaryOnCookie, VaryOnHeaders } from '../decorators/vary-on.decorator.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import { applyRouteHeaders } from './page-replay.js';
import { readPageRoute, type CachePageOptions, type PageRoute, type RouteHandler } from './page-route.js';

@CachePage({ ttl: 300, tags: ['all'] })
@VaryOnHeaders('Accept-Language')
@Controller()
class Decorated {
  @Get('inherits')
  inherits() {}

  @Get('overrides')
  @CachePage(5)
  @VaryOnCookie()
  @VaryOnHeaders('Authorization')
  overrides() {}

  @Get('sends')
  @CacheKey('fixed')
  sends(@Res() _res: unknown) {}

  @Get('passes')
  passes(@Res({ passthrough: true }) _res: unknown) {}

  @Get('render')
  @Render('view')
  render() {}

  @Get('redirect')
  @Redirect('/elsewhere')
  redirect() {}

  @Sse('events')
  events() {}
}

@Controller()
class HeadersOnly {
  @Get('never')
  @NeverCache()
  never() {}

  @Get('control')
  @CacheControl({ maxAge: 60, public: true })
  control() {}

  @Get('plain')
  plain() {}
}

const reflector = new Reflector();
const route = (controller: Type, method: string): PageRoute | undefined =>
  readPageRoute(reflector, controller, (controller.prototype as Record<string, RouteHandler>)[method]!);

describe('page routes', () => {
  it.each<[string, Type, string, Partial<PageRoute>]>([
    [
      'a method inherits the controller decorators',
      Decorated,
      'inherits',
      { page: { ttl: 300, tags: ['all'] }, varyHeaders: ['Accept-Language'], handlesResponse: false },
    ],
    [
      "a method's decorators override the controller's",
      Decorated,
      'overrides',
      { page: { ttl: 5 }, varyHeaders: ['Authorization', 'Cookie'], varyOnAuthorization: true },
    ],
    [
      '@Res() without passthrough sends the response itself',
      Decorated,
      'sends',
      { key: 'fixed', handlesResponse: true },
    ],
    ['@Res({ passthrough }) leaves it to Nest', Decorated, 'passes', { handlesResponse: false }],
    ['@Render routes are not page-cached', Decorated, 'render', { unsupported: '@Render' }],
    ['@Redirect routes are not page-cached', Decorated, 'redirect', { unsupported: '@Redirect' }],
    ['@Sse routes are not page-cached', Decorated, 'events', { unsupported: '@Sse' }],
    ['@NeverCache alone', HeadersOnly, 'never', { page: undefined, neverCache: true }],
    ['@CacheControl alone', HeadersOnly, 'control', { page: undefined, cacheControl: { 'max-age': 60, public: true } }],
  ])('%s', (_, controller, method, expected) => {
    expect(route(controller, method)).toMatchObject(expected);
  });

  it('has no route for a handler without page cache decorators', () => {
    expect(route(HeadersOnly, 'plain')).toBeUndefined();
  });

  describe('decorator arguments', () => {
    it.each<[string, () => unknown]>([
      ['a negative ttl', () => CachePage(-1)],
      ['an infinite ttl', () => CachePage(Infinity)],
      ['a string ttl', () => CachePage({ ttl: '60' as unknown as number })],
      ['a negative staleWhileRevalidate', () => CachePage({ ttl: 1, staleWhileRevalidate: -1 })],
      ['an empty cache name', () => CachePage({ cache: '' })],
      ['a keyPrefix with a control character', () => CachePage({ keyPrefix: 'a\tb' })],
      ['an empty tag', () => CachePage({ tags: [''] })],
      ['tags that are not a list', () => CachePage({ tags: 'recipes' as unknown as string[] })],
      ['queryParams that are not a list', () => CachePage({ queryParams: 'q' as unknown as string[] })],
      ['an empty query parameter name', () => CachePage({ queryParams: ['q', ''] })],
      ['null options', () => CachePage(null as unknown as CachePageOptions)],
      ['a header name with a space', () => VaryOnHeaders('Accept Language')],
      ['a * header name', () => VaryOnHeaders('*')],
      ['a fractional max-age', () => CacheControl({ maxAge: 1.5 })],
      ['a negative s-maxage', () => CacheControl({ sMaxAge: -1 })],
    ])('refuses %s when applied', (_, decorate) => {
      expect(decorate).toThrow(CacheArgumentError);
    });

    it.each<[string, () => unknown]>([
      ['a ttl of 0', () => CachePage(0)],
      ['a null ttl', () => CachePage({ ttl: null })],
      ['fractional seconds', () => CachePage({ ttl: 0.25, staleWhileRevalidate: 0.5 })],
      ['a tag function', () => CachePage({ tags: () => ['a'] })],
      ['no query parameters', () => CachePage({ queryParams: [] })],
      ['several header names', () => VaryOnHeaders('Accept-Language', 'X-Tenant')],
    ])('accepts %s', (_, decorate) => {
      expect(decorate).not.toThrow();
    });
  });

  describe('applyRouteHeaders', () => {
    const NOW = Date.UTC(2024, 0, 1);
    it.each<
      [
        string,
        Pick<PageRoute, 'varyHeaders' | 'cacheControl' | 'neverCache'>,
        Record<string, string>,
        Record<string, string>,
      ]
    >([
      [
        'adds Vary names',
        { varyHeaders: ['Cookie'], cacheControl: undefined, neverCache: false },
        { vary: 'Accept' },
        { vary: 'Accept, Cookie' },
      ],
      [
        'patches Cache-Control',
        { varyHeaders: [], cacheControl: { 'max-age': 60, public: true }, neverCache: false },
        { 'cache-control': 'private, max-age=600' },
        { 'cache-control': 'max-age=60, public' },
      ],
      [
        'adds the never_cache headers',
        { varyHeaders: [], cacheControl: undefined, neverCache: true },
        {},
        {
          expires: new Date(NOW).toUTCString(),
          'cache-control': 'max-age=0, no-cache, no-store, must-revalidate, private',
        },
      ],
    ])('%s', (_, routeHeaders, initial, expected) => {
      const headers = new Map(Object.entries(initial));
      applyRouteHeaders(
        {
          getHeader: (name) => headers.get(name.toLowerCase()),
          setHeader: (name, value) => headers.set(name.toLowerCase(), String(value)),
        },
        routeHeaders,
        NOW,
      );
      expect(Object.fromEntries(headers)).toEqual(expected);
    });
  });
});
