import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { CacheArgumentError, CacheControl, CachePage, NeverCache, VaryOnHeaders } from '@stash/cache';
import type { Request, Response } from 'express';
import request from 'supertest';
import { waitFor } from '../../../test/support/redis-server.js';
import {
  expectBypass,
  expectHit,
  expectMiss,
  expectStale,
  pageApp,
  Runs,
  type PageApp,
  type StoreKind,
} from './support/page-cache-app.js';

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

  @Get('timed')
  @CachePage(60)
  timed(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Server-Timing', 'db;dur=53');
    return { n: runs.hit(req.originalUrl) };
  }

  @Get('swr')
  @CachePage({ ttl: 0.2, staleWhileRevalidate: 30 })
  async swr(@Req() req: Request) {
    const n = runs.hit(req.originalUrl);
    // Long enough for a second request to arrive while this one refreshes the page.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { n };
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

/** The page cache's Server-Timing metric, after the metrics `before` it (no regex metacharacters in there). */
const cacheMetric = (verdict: string, before = '') => new RegExp(`^${before}cache;desc="${verdict}";dur=\\d+\\.\\d$`);

describe.each<StoreKind>(['redis', 'memory'])('@CachePage revalidation and invalidation with the %s store', (store) => {
  let page: PageApp;
  const get = (path: string) => request(page.url).get(path);

  beforeAll(async () => {
    page = await pageApp({
      store,
      controllers: [RevalidatedPages],
      pageCache: { allowedHosts: ['127.0.0.1', 'example.com'], ignoredQueryParams: ['utm_*'], sortQuery: true },
      // A layer before the page cache that reports its own timing (a CDN or a proxy would).
      configure: (app) =>
        app.use((req: Request, res: Response, next: () => void) => {
          if (req.headers['x-edge']) res.setHeader('Server-Timing', 'edge;dur=1');
          next();
        }),
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
  describe('Server-Timing', () => {
    it("tells MISS, then HIT, with the lookup duration, after the handler's metrics, which are never replayed", async () => {
      const path = fresh('/strict/timed');
      const miss = await get(path).expect(200);
      expectMiss(miss);
      expect(miss.headers['server-timing']).toMatch(cacheMetric('MISS', 'db;dur=53, '));
      const hit = await get(path).expect(200);
      expectHit(hit);
      expect(hit.headers['server-timing']).toMatch(cacheMetric('HIT'));
    });

    it('is appended to a metric set before the page cache, on a hit as on a miss', async () => {
      const path = fresh('/strict/plain');
      expect((await get(path).set('X-Edge', '1').expect(200)).headers['server-timing']).toMatch(
        cacheMetric('MISS', 'edge;dur=1, '),
      );
      const hit = await get(path).set('X-Edge', '1').expect(200);
      expectHit(hit);
      expect(hit.headers['server-timing']).toMatch(cacheMetric('HIT', 'edge;dur=1, '));
      // A 304 from the cache says so too.
      const notModified = await get(path).set('If-None-Match', String(hit.headers.etag)).expect(304);
      expect(notModified.headers['server-timing']).toMatch(cacheMetric('HIT'));
    });

    it('tells STALE to a request served the stale page while another refreshes it', async () => {
      const path = fresh('/strict/swr');
      await get(path).expect(200);
      const expired = Date.now() + 250;
      await waitFor(() => Date.now() >= expired, 1_000, 'the page did not expire');
      // then() sends it now; it refreshes the page, and the request sent while it runs gets the stale one.
      const refreshing = get(path).then((response) => response);
      await waitFor(() => runs.of(path) === 2, 2_000, 'the refresh did not start');
      const stale = await get(path).expect(200);
      expectStale(stale);
      expect(stale.headers['server-timing']).toMatch(cacheMetric('STALE'));
      expect((await refreshing).headers['server-timing']).toMatch(cacheMetric('MISS'));
    });

    it('tells BYPASS to a request that is not looked up', async () => {
      const response = await get(fresh('/strict/plain')).set('Authorization', 'Bearer x').expect(200);
      expectBypass(response);
      expect(response.headers['server-timing']).toMatch(cacheMetric('BYPASS'));
    });
  });
});
