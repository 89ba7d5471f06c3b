import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { CacheArgumentError, CacheControl, CachePage, NeverCache, VaryOnHeaders } from '@stash/cache';
import type { Request, Response } from 'express';
import request from 'supertest';
import { expectHit, expectMiss, pageApp, Runs, type PageApp, type StoreKind } from './support/page-cache-app.js';

const runs = new Runs();

@Controller('strict')
class RevalidatedPages {
  @Get('plain')
  @CachePage(60)
  plain(@Req() req: Request) {
    return { host: req.hostname, n: runs.hit(req.originalUrl) };
  }

  @Get('sends')
  @CachePage(60)
  sends(@Req() req: Request, @Res() res: Response) {
    runs.hit(req.originalUrl);
    res.type('text/plain').send('sent by the handler');
  }

  @Get('lang')
  @CachePage(60)
  @VaryOnHeaders('Accept-Language')
  lang(@Req() req: Request) {
    return { language: req.headers['accept-language'] ?? null, n: runs.hit(req.originalUrl) };
  }

  @Get('recipes/:id')
  @CachePage({ ttl: 60, tags: (req) => ['recipes', `recipe:${req.params.id}`] })
  recipe(@Param('id') id: string, @Req() req: Request) {
    return { id, n: runs.hit(req.originalUrl) };
  }

  @Get('never')
  @NeverCache()
  never() {
    return 'never';
  }

  @Get('controlled')
  @CacheControl({ maxAge: 30, public: true })
  controlled(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'private, max-age=600');
    return 'controlled';
  }
}

let sequence = 0;
const fresh = (path: string) => `${path}${path.includes('?') ? '&' : '?'}t=${++sequence}`;

describe.each<StoreKind>(['redis', 'memory'])('@CachePage revalidation and invalidation with the %s store', (store) => {
  let page: PageApp;
  const get = (path: string) => request(page.url).get(path);

  beforeAll(async () => {
    page = await pageApp({
      store,
      controllers: [RevalidatedPages],
      pageCache: { allowedHosts: ['127.0.0.1', 'example.com'], ignoredQueryParams: ['utm_*'], sortQuery: true },
    });
  });

  afterAll(() => page.close());

  describe('conditional GET', () => {
    it('answers a matching If-None-Match with 304 and no body, from a strong ETag', async () => {
      const path = fresh('/strict/plain');
      const first = await get(path).expect(200);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^"[\w-]+"$/);
      const notModified = await get(path).set('If-None-Match', etag).expect(304);
      expectHit(notModified);
      expect(notModified.text).toBe('');
      expect(notModified.headers.etag).toBe(etag);
      expect(notModified.headers['content-length']).toBeUndefined();
      expect((await get(path).set('If-None-Match', `W/${etag}`).expect(304)).text).toBe('');
      expect((await get(path).set('If-None-Match', '"other"').expect(200)).body).toEqual(first.body);
      expect(await request(page.url).head(path).set('If-None-Match', etag)).toHaveProperty('status', 304);
      expect(runs.of(path)).toBe(1);
    });

    it('answers 304 for a handler that sends the response itself', async () => {
      const path = fresh('/strict/sends');
      const first = await get(path).expect(200);
      const notModified = await get(path).set('If-None-Match', String(first.headers.etag)).expect(304);
      expectHit(notModified);
      expectHit(await request(page.url).head(path).expect(200));
      expect((await get(path).expect(200)).text).toBe('sent by the handler');
      expect(runs.of(path)).toBe(1);
    });
  });

  describe('invalidation', () => {
    it('drops every Vary variant of a URL', async () => {
      const path = fresh('/strict/lang');
      await get(path).set('Accept-Language', 'en').expect(200);
      await get(path).set('Accept-Language', 'fr').expect(200);
      expectHit(await get(path).set('Accept-Language', 'fr').expect(200));
      const origin = page.url.replace('localhost', '127.0.0.1');
      expect(await page.pageCache.invalidate(`${origin}${path}`)).toBe(3);
      expectMiss(await get(path).set('Accept-Language', 'en').expect(200));
      expectMiss(await get(path).set('Accept-Language', 'fr').expect(200));
    });

    it('normalises the URL it is given as requests are', async () => {
      const path = fresh('/strict/plain?b=2&a=1');
      await get(path).set('Host', 'example.com').expect(200);
      const sorted = `http://EXAMPLE.com${path.replace('b=2&a=1', 'a=1&b=2')}&utm_medium=x`;
      expect(await page.pageCache.invalidate(sorted)).toBe(2);
      expectMiss(await get(path).set('Host', 'example.com').expect(200));
    });

    it('refuses a relative URL', async () => {
      await expect(page.pageCache.invalidate('/strict/plain')).rejects.toBeInstanceOf(CacheArgumentError);
    });

    it('ties pages to CacheService.invalidateTags through @CachePage tags', async () => {
      const one = fresh('/strict/recipes/1');
      const two = fresh('/strict/recipes/2');
      await get(one).expect(200);
      await get(two).expect(200);
      await page.cache.invalidateTags(['recipe:1']);
      expectMiss(await get(one).expect(200));
      expectHit(await get(two).expect(200));
      await page.cache.invalidateTags(['recipes']);
      expectMiss(await get(two).expect(200));
      expect([runs.of(one), runs.of(two)]).toEqual([2, 2]);
    });
  });

  describe('header decorators', () => {
    it("@NeverCache sets Django's never_cache headers", async () => {
      const response = await get('/strict/never').expect(200);
      expect(new Set(String(response.headers['cache-control']).split(', '))).toEqual(
        new Set(['max-age=0', 'no-cache', 'no-store', 'must-revalidate', 'private']),
      );
      expect(Math.abs(Date.parse(String(response.headers.expires)) - Date.now())).toBeLessThan(5_000);
    });

    it('@CacheControl patches what the handler set', async () => {
      const response = await get('/strict/controlled').expect(200);
      expect(response.headers['cache-control']).toBe('max-age=30, public');
    });
  });
});
