import {
  Controller,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Post,
  Req,
  Res,
  StreamableFile,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { CachePage } from '@stash/cache';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import request from 'supertest';
import { expectHit, expectMiss, pageApp, Runs, type PageApp, type StoreKind } from './support/page-cache-app.js';

const runs = new Runs();

class PassHeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<Request>().headers['x-pass'] === 'yes';
  }
}

@Controller('django')
class DjangoPages {
  @Get('plain')
  @CachePage(60)
  @Header('X-Handler', 'plain')
  plain(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }

  @Post('plain')
  @CachePage(60)
  post(@Req() req: Request) {
    return { n: runs.hit(`POST ${req.originalUrl}`) };
  }

  @Get('binary')
  @CachePage(60)
  binary(@Req() req: Request, @Res() res: Response) {
    runs.hit(req.originalUrl);
    res.type('application/octet-stream').send(Buffer.from([0, 255, 1, 254, 10, 13]));
  }

  @Get('missing')
  @CachePage(60)
  missing(@Req() req: Request) {
    runs.hit(req.originalUrl);
    throw new NotFoundException();
  }

  @Get('failing')
  @CachePage(60)
  failing(@Req() req: Request) {
    runs.hit(req.originalUrl);
    throw new Error('boom');
  }

  @Get('non-authoritative')
  @CachePage(60)
  @HttpCode(203)
  nonAuthoritative(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }

  @Get('file')
  @CachePage(60)
  file(@Req() req: Request) {
    runs.hit(req.originalUrl);
    return new StreamableFile(Buffer.from('file body'));
  }

  @Get('piped')
  @CachePage(60)
  piped(@Req() req: Request, @Res() res: Response) {
    runs.hit(req.originalUrl);
    res.type('text/plain');
    Readable.from(['piped ', 'body']).pipe(res);
  }

  @Get('max-age')
  @CachePage({})
  cacheControl(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', String(req.query.value));
    return { n: runs.hit(req.originalUrl) };
  }

  @Get('vary-star')
  @CachePage(60)
  @Header('Vary', '*')
  varyStar(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }

  @Get('cookie')
  @CachePage(60)
  cookie(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    res.cookie('sid', 'secret');
    return { n: runs.hit(req.originalUrl) };
  }

  @Get('guarded')
  @CachePage(60)
  @UseGuards(PassHeaderGuard)
  guarded(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }
}

let sequence = 0;
/** A path no other test requests, so each test starts cold. */
const fresh = (path: string) => `${path}${path.includes('?') ? '&' : '?'}t=${++sequence}`;

describe.each<StoreKind>(['redis', 'memory'])('@CachePage with the %s store (Django rules)', (store) => {
  let page: PageApp;
  const get = (path: string) => request(page.url).get(path);

  beforeAll(async () => {
    page = await pageApp({ store, controllers: [DjangoPages], cache: { version: 3 } });
  });

  afterAll(() => page.close());

  describe('when a GET is cacheable', () => {
    it('runs the handler once, then replays status, headers and body with Age and X-Cache: HIT', async () => {
      const path = fresh('/django/plain');
      const first = await get(path).expect(200);
      const second = await get(path).expect(200);
      expectMiss(first);
      expectHit(second);
      expect(second.body).toEqual(first.body);
      expect(runs.of(path)).toBe(1);
      for (const name of ['content-type', 'content-length', 'etag', 'cache-control', 'expires', 'x-handler']) {
        expect([name, second.headers[name]]).toEqual([name, first.headers[name]]);
      }
      expect(Number(second.headers.age)).toBeGreaterThanOrEqual(0);
      expect(first.headers.age).toBeUndefined();
    });

    it('replays the body bytes exactly, from a handler that sends the response itself', async () => {
      const path = fresh('/django/binary');
      const binary = (test: request.Test) =>
        test.buffer(true).parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      const first = await binary(get(path)).expect(200);
      const second = await binary(get(path)).expect(200);
      expectHit(second);
      expect(second.body).toEqual(Buffer.from([0, 255, 1, 254, 10, 13]));
      expect(second.headers['content-type']).toBe(first.headers['content-type']);
      expect(runs.of(path)).toBe(1);
    });

    it('stores pages under the cache prefix and version, keyed by method, URL hash and Vary hash', async () => {
      const path = fresh('/django/plain');
      await get(path).expect(200);
      const keys: string[] = [];
      for await (const key of page.cache.iterKeys('~page:*')) keys.push(key);
      expect(keys).toEqual(expect.arrayContaining([expect.stringMatching(/^~page:[\w-]{22}::GET:[\w-]{22}$/)]));
      expect(keys).toEqual(expect.arrayContaining([expect.stringMatching(/^~page:[\w-]{22}::vary$/)]));
      const otherVersion: string[] = [];
      for await (const key of page.cache.iterKeys('~page:*', { version: 2 })) otherVersion.push(key);
      expect(otherVersion).toEqual([]);
    });

    it('passes other methods through', async () => {
      const path = fresh('/django/plain');
      const first = await request(page.url).post(path).expect(201);
      await request(page.url).post(path).expect(201);
      expect(first.headers['x-cache']).toBeUndefined();
      expect(runs.of(`POST ${path}`)).toBe(2);
    });

    it('still runs guards on a hit, so a protected page stays protected', async () => {
      const path = fresh('/django/guarded');
      await get(path).set('X-Pass', 'yes').expect(200);
      await get(path).expect(403);
      expectHit(await get(path).set('X-Pass', 'yes').expect(200));
      expect(runs.of(path)).toBe(1);
    });
  });

  describe('HEAD', () => {
    it('is answered from the GET entry: same headers, no body, no handler run', async () => {
      const path = fresh('/django/plain');
      const got = await get(path).expect(200);
      const head = await request(page.url).head(path).expect(200);
      expectHit(head);
      expect(head.text).toBeUndefined();
      expect(head.headers['content-length']).toBe(got.headers['content-length']);
      expect(head.headers.etag).toBe(got.headers.etag);
      expect(runs.of(path)).toBe(1);
    });

    it('is not stored when it misses (it has no body), so the next GET misses too', async () => {
      const path = fresh('/django/plain');
      expectMiss(await request(page.url).head(path).expect(200));
      expectMiss(await get(path).expect(200));
      expectHit(await request(page.url).head(path).expect(200));
      expect(runs.of(path)).toBe(2);
    });
  });

  describe('what is stored', () => {
    it.each<[string, string, number]>([
      ['a 404', '/django/missing', 404],
      ['a 500', '/django/failing', 500],
      ['a 203', '/django/non-authoritative', 203],
      ['a StreamableFile', '/django/file', 200],
      ['a piped stream', '/django/piped', 200],
      ['Vary: *', '/django/vary-star', 200],
      ['Set-Cookie', '/django/cookie', 200],
    ])('never %s', async (_, route, status) => {
      const path = fresh(route);
      const first = await get(path).expect(status);
      const second = await get(path).expect(status);
      expect(second.headers['x-cache']).toBe('MISS');
      expect(runs.of(path)).toBe(2);
      if (route === '/django/cookie') expect(first.headers['set-cookie']).toBeDefined();
    });

    it.each(['private', 'Private', 'no-cache', 'No-Store', 'public, NO-CACHE', 'max-age=60, private="Set-Cookie"'])(
      'never a response with Cache-Control: %s',
      async (value) => {
        const path = fresh(`/django/max-age?value=${encodeURIComponent(value)}`);
        await get(path).expect(200);
        expectMiss(await get(path).expect(200));
        expect(runs.of(path)).toBe(2);
      },
    );

    it('never a response with max-age=0, and leaves its headers alone', async () => {
      const path = fresh('/django/max-age?value=max-age%3D0');
      const first = await get(path).expect(200);
      expectMiss(await get(path).expect(200));
      expect(first.headers['cache-control']).toBe('max-age=0');
      expect(first.headers.expires).toBeUndefined();
    });
  });
});
