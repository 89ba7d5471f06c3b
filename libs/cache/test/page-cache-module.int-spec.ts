import { Controller, Get, Injectable, Module, Redirect, Req, UseInterceptors, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  CACHE_LOGGER,
  CacheConfigError,
  CacheModule,
  CachePage,
  CacheRegistry,
  PageCache,
  PageCacheInterceptor,
  PageCacheModule,
  type PageCacheOptions,
  type PageIdentity,
  type PageRoute,
} from '@stash/cache';
import type { Request } from 'express';
import request from 'supertest';
import { freePort } from '../../../test/support/redis-server.js';
import { expectHit, expectMiss, pageApp, Runs, silentLogger, type PageApp } from './support/page-cache-app.js';

const runs = new Runs();

@Controller('wired')
@UseInterceptors(PageCacheInterceptor)
class PerRoutePages {
  @Get('page')
  @CachePage(60)
  page(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }

  @Get('named')
  @CachePage({ ttl: 60, cache: 'pages' })
  named(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }

  @Get('redirect')
  @CachePage(60)
  @Redirect('/wired/page', 302)
  redirect(@Req() req: Request) {
    runs.hit(req.originalUrl);
  }
}

/** Pages keyed by path only (the query is ignored), and never cached for requests marked X-No-Cache. */
@Injectable()
class PathOnlyInterceptor extends PageCacheInterceptor {
  protected override trackBy(request: Request, route: PageRoute): PageIdentity {
    return route.key !== undefined ? super.trackBy(request, route) : { key: `path:${request.path}` };
  }

  protected override isRequestCacheable(request: Request, route: PageRoute): boolean {
    return request.headers['x-no-cache'] === undefined && super.isRequestCacheable(request, route);
  }
}

@Controller('custom')
@UseInterceptors(PathOnlyInterceptor)
class CustomPages {
  @Get('page')
  @CachePage(60)
  page(@Req() req: Request) {
    return { n: runs.hit(req.path) };
  }
}

@Injectable()
class PageCacheConfig {
  createPageCacheOptions(): PageCacheOptions {
    return { allowedHosts: ['from-class.test'] };
  }
}

@Module({ providers: [PageCacheConfig], exports: [PageCacheConfig] })
class ConfigModule {}

async function boot(imports: (Type | ReturnType<typeof PageCacheModule.forRoot>)[]): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({ imports })
    .overrideProvider(CACHE_LOGGER)
    .useValue(silentLogger)
    .compile();
  await moduleRef.init();
  return moduleRef;
}

async function bootFailure(imports: Parameters<typeof boot>[0]): Promise<unknown> {
  try {
    const moduleRef = await boot(imports);
    await moduleRef.close();
  } catch (error) {
    return error;
  }
  throw new Error('expected bootstrap to fail');
}

describe('PageCacheModule', () => {
  const memoryCache = CacheModule.forRoot({ store: 'memory', isGlobal: true });

  it.each<[string, ReturnType<typeof PageCacheModule.forRoot>, string]>([
    ['forRoot', PageCacheModule.forRoot({ allowedHosts: ['example.com'], keyPrefix: 'site' }), 'example.com'],
    [
      'forRootAsync with useFactory',
      PageCacheModule.forRootAsync({ useFactory: async () => ({ allowedHosts: ['from-factory.test'] }) }),
      'from-factory.test',
    ],
    ['forRootAsync with useClass', PageCacheModule.forRootAsync({ useClass: PageCacheConfig }), 'from-class.test'],
    [
      'forRootAsync with useExisting',
      PageCacheModule.forRootAsync({ imports: [ConfigModule], useExisting: PageCacheConfig }),
      'from-class.test',
    ],
  ])('compiles with %s', async (_, pageCacheModule, host) => {
    const moduleRef = await boot([memoryCache, pageCacheModule]);
    expect(moduleRef.get(PageCache).options.allowedHosts).toEqual([host]);
    expect(moduleRef.get(PageCacheInterceptor)).toBeInstanceOf(PageCacheInterceptor);
    await moduleRef.close();
  });

  it.each<[string, unknown, string]>([
    ['without allowedHosts', {}, 'pageCache.allowedHosts'],
    ['with an unknown option', { allowedHosts: ['*'], maxAge: 3 }, 'pageCache.maxAge'],
    ['with an unknown default cache', { allowedHosts: ['*'], cache: 'nope' }, 'caches.nope'],
  ])('stops bootstrap %s with CacheConfigError', async (_, options, path) => {
    const error = await bootFailure([memoryCache, PageCacheModule.forRoot(options as PageCacheOptions)]);
    expect(error).toBeInstanceOf(CacheConfigError);
    expect((error as CacheConfigError).option).toBe(path);
  });

  it('stops bootstrap with CacheConfigError when no CacheModule is imported', async () => {
    const error = await bootFailure([PageCacheModule.forRoot({ allowedHosts: ['*'] })]);
    expect(error).toBeInstanceOf(CacheConfigError);
  });

  describe('with the interceptor applied per controller', () => {
    let page: PageApp;

    beforeAll(async () => {
      page = await pageApp({
        store: 'redis',
        controllers: [PerRoutePages, CustomPages],
        providers: [PathOnlyInterceptor],
        caches: { pages: {} },
        globalInterceptor: false,
      });
    });

    afterAll(() => page.close());

    it('caches @CachePage routes', async () => {
      expectMiss(await request(page.url).get('/wired/page').expect(200));
      expectHit(await request(page.url).get('/wired/page').expect(200));
      expect(runs.of('/wired/page')).toBe(1);
    });

    it('stores a page in the cache its route names', async () => {
      await request(page.url).get('/wired/named').expect(200);
      expectHit(await request(page.url).get('/wired/named').expect(200));
      const keys: string[] = [];
      for await (const key of page.app.get(CacheRegistry).get('pages').iterKeys('~page:*')) keys.push(key);
      expect(keys).toHaveLength(2);
    });

    it('leaves @Redirect routes uncached, and says so once', async () => {
      silentLogger.warn.mockClear();
      await request(page.url).get('/wired/redirect').expect(302);
      await request(page.url).get('/wired/redirect').expect(302);
      expect(runs.of('/wired/redirect')).toBe(2);
      expect(silentLogger.warn).toHaveBeenCalledTimes(1);
      expect(String(silentLogger.warn.mock.calls[0]?.[0])).toMatch(/@Redirect routes are not page-cached/);
    });

    it("lets a subclass override the key and the request rules through the interceptor's hooks", async () => {
      await request(page.url).get('/custom/page?a=1').expect(200);
      expectHit(await request(page.url).get('/custom/page?b=2').expect(200));
      expect((await request(page.url).get('/custom/page').set('X-No-Cache', '1').expect(200)).headers['x-cache']).toBe(
        'BYPASS',
      );
      expect(runs.of('/custom/page')).toBe(2);
    });
  });

  describe('when Redis is unreachable', () => {
    let page: PageApp;

    beforeAll(async () => {
      page = await pageApp({
        store: 'redis',
        controllers: [PerRoutePages],
        globalInterceptor: false,
        cache: { url: `redis://127.0.0.1:${await freePort()}`, commandTimeout: 100 },
      });
    });

    afterAll(() => page.app.close());

    it('fails open: every request is served by the handler', async () => {
      const path = '/wired/page?down=1';
      expectMiss(await request(page.url).get(path).expect(200));
      expectMiss(await request(page.url).get(path).expect(200));
      expect(runs.of(path)).toBe(2);
      expect(page.cache.stats().errors).toBeGreaterThan(0);
    });
  });
});
