import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { CacheKey, CachePage, VaryOnHeaders } from '@stash/cache';
import type { Request, Response } from 'express';
import request from 'supertest';
import { waitFor } from '../../../test/support/redis-server.js';
import { expectHit, expectMiss, pageApp, Runs, type PageApp, type StoreKind } from './support/page-cache-app.js';

const runs = new Runs();

@Controller('django')
class KeyedPages {
  @Get('plain')
  @CachePage(60)
  plain(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }

  @Get('max-age')
  @CachePage({})
  cacheControl(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', String(req.query.value));
    return { n: runs.hit(req.originalUrl) };
  }

  @Get('default-ttl')
  @CachePage({})
  defaultTtl(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }

  @Get('language')
  @CachePage(60)
  @VaryOnHeaders('Accept-Language')
  language(@Req() req: Request) {
    return { language: req.headers['accept-language'] ?? null, n: runs.hit(req.originalUrl) };
  }

  @Get('handler-vary')
  @CachePage(60)
  @Header('Vary', 'X-Variant')
  handlerVary(@Req() req: Request) {
    return { variant: req.headers['x-variant'] ?? null, n: runs.hit(req.originalUrl) };
  }

  @Get('search')
  @CachePage({ ttl: 60, queryParams: ['q'] })
  search(@Req() req: Request) {
    return { q: req.query.q ?? null, n: runs.hit(`search:${String(req.query.q)}`) };
  }

  @Get('keyed/:id')
  @CachePage(60)
  @CacheKey('shared-key')
  keyed(@Req() req: Request) {
    return { path: req.originalUrl, n: runs.hit('keyed') };
  }
}

@CachePage(300)
@Controller('class')
class ClassPages {
  @Get('inherits')
  inherits(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }

  @Get('overrides')
  @CachePage(7)
  overrides(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }
}

let sequence = 0;
/** A path no other test requests, so each test starts cold. */
const fresh = (path: string) => `${path}${path.includes('?') ? '&' : '?'}t=${++sequence}`;

describe.each<StoreKind>(['redis', 'memory'])('@CachePage TTLs and keys with the %s store', (store) => {
  let page: PageApp;
  const get = (path: string) => request(page.url).get(path);

  beforeAll(async () => {
    page = await pageApp({ store, controllers: [KeyedPages, ClassPages], cache: { defaultTtl: 120 } });
  });

  afterAll(() => page.close());

  describe('TTL', () => {
    it("uses the decorator's ttl, and adds Cache-Control: max-age and Expires", async () => {
      const response = await get(fresh('/django/plain')).expect(200);
      expect(response.headers['cache-control']).toBe('max-age=60');
      const expires = Date.parse(String(response.headers.expires));
      expect(Math.abs(expires - (Date.now() + 60_000))).toBeLessThan(5_000);
    });

    it("uses the response's max-age when the decorator gives none, and drops the page once it passed", async () => {
      const path = fresh('/django/max-age?value=max-age%3D1');
      const first = await get(path).expect(200);
      expect(first.headers['cache-control']).toBe('max-age=1');
      expectHit(await get(path).expect(200));
      await waitFor(async () => (await get(path)).headers['x-cache'] === 'MISS', 3_000, 'the page did not expire');
      expect(runs.of(path)).toBe(2);
    });

    it("uses the cache's defaultTtl when neither gives one", async () => {
      const response = await get(fresh('/django/default-ttl')).expect(200);
      expect(response.headers['cache-control']).toBe('max-age=120');
    });

    it("lets a method's @CachePage override the controller's", async () => {
      const inherited = await get(fresh('/class/inherits')).expect(200);
      const overridden = await get(fresh('/class/overrides')).expect(200);
      expect(inherited.headers['cache-control']).toBe('max-age=300');
      expect(overridden.headers['cache-control']).toBe('max-age=7');
    });
  });

  describe('keys', () => {
    it('keys by the headers the response varies on (@VaryOnHeaders)', async () => {
      const path = fresh('/django/language');
      const en = await get(path).set('Accept-Language', 'en').expect(200);
      const fr = await get(path).set('Accept-Language', 'fr').expect(200);
      const enAgain = await get(path).set('Accept-Language', 'en').expect(200);
      expect([en.headers['x-cache'], fr.headers['x-cache'], enAgain.headers['x-cache']]).toEqual([
        'MISS',
        'MISS',
        'HIT',
      ]);
      expect(enAgain.body.language).toBe('en');
      expect(en.headers.vary).toBe('Accept-Language');
      expect(runs.of(path)).toBe(2);
    });

    it('learns the Vary list from the response the handler built', async () => {
      const path = fresh('/django/handler-vary');
      await get(path).set('X-Variant', 'a').expect(200);
      const other = await get(path).set('X-Variant', 'b').expect(200);
      expectMiss(other);
      expect(other.body.variant).toBe('b');
      expectHit(await get(path).set('X-Variant', 'a').expect(200));
    });

    it('tells a missing header from an empty one', async () => {
      const path = fresh('/django/language');
      await get(path).expect(200);
      const empty = await get(path).set('Accept-Language', '').expect(200);
      expectMiss(empty);
      expectHit(await get(path).expect(200));
      expect(runs.of(path)).toBe(2);
    });

    it('keys by the query string and by the host', async () => {
      const path = fresh('/django/plain');
      await get(path).expect(200);
      expectMiss(await get(`${path}&other=1`).expect(200));
      expectMiss(await get(path).set('Host', 'example.com').expect(200));
      expectHit(await get(path).set('Host', 'example.com').expect(200));
    });

    it('keys only by the parameters a route reads (queryParams): junk ones share its page', async () => {
      const q = `q${++sequence}`;
      expectMiss(await get(`/django/search?q=${q}`).expect(200));
      for (const junk of [`q=${q}&utm_source=x`, `junk=1&q=${q}`, `q=${q}&%E0%A4%A=1`, `q=${q}&x[y]=1`]) {
        expectHit(await get(`/django/search?${junk}`).expect(200));
      }
      expectMiss(await get(`/django/search?q=${q}x`).expect(200));
      expectMiss(await get(`/django/search?q=${q}&q=2`).expect(200));
      expect(runs.of(`search:${q}`)).toBe(1);
    });

    it('uses an explicit @CacheKey instead of the URL', async () => {
      runs.reset();
      await page.pageCache.invalidateKey('shared-key');
      const first = await get('/django/keyed/1').expect(200);
      const second = await get('/django/keyed/2').expect(200);
      expectHit(second);
      expect(second.body).toEqual(first.body);
      expect(runs.of('keyed')).toBe(1);
      expect(await page.pageCache.invalidateKey('shared-key')).toBeGreaterThanOrEqual(2);
      expectMiss(await get('/django/keyed/2').expect(200));
    });
  });
});
