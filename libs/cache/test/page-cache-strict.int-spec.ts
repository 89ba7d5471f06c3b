import {
  Controller,
  Get,
  Injectable,
  Req,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { CachePage, patchVary, VaryOnCookie, VaryOnHeaders } from '@stash/cache';
import type { NextFunction, Request, Response } from 'express';
import type { ServerResponse } from 'node:http';
import { tap } from 'rxjs';
import request from 'supertest';
import {
  expectBypass,
  expectHit,
  expectMiss,
  pageApp,
  Runs,
  type PageApp,
  type StoreKind,
} from './support/page-cache-app.js';

const runs = new Runs();

type SessionRequest = Request & { sessionUser?: string | null; sessionRead?: boolean };

/**
 * Like a session library: reading the session makes the response vary on Cookie, and the header is added while
 * the headers are written (express-session sets its cookie the same way), after the handler and the interceptors.
 */
function sessionLike(req: SessionRequest, res: Response, next: NextFunction): void {
  const user = /(?:^|;\s*)user=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? null;
  req.sessionUser = user;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (req.sessionRead) this.setHeader('Vary', patchVary(this.getHeader('vary') as string | undefined, ['Cookie']));
    return writeHead.apply(this, args as never);
  } as typeof res.writeHead;
  next();
}

/** Adds Vary: Cookie after the handler returned, from inside the page cache interceptor. */
@Injectable()
class VaryOnCookieAfterHandler implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(tap(() => res.setHeader('Vary', patchVary(res.getHeader('vary') as string, ['Cookie']))));
  }
}

@Controller('strict')
class StrictPages {
  @Get('plain')
  @CachePage(60)
  plain(@Req() req: Request) {
    return { host: req.hostname, n: runs.hit(req.originalUrl) };
  }

  @Get('per-token')
  @CachePage(60)
  @VaryOnHeaders('Authorization')
  perToken(@Req() req: Request) {
    return { token: req.headers.authorization ?? null, n: runs.hit(req.originalUrl) };
  }

  @Get('me')
  @CachePage(60)
  me(@Req() req: SessionRequest) {
    req.sessionRead = true;
    return { user: req.sessionUser ?? null, n: runs.hit(req.originalUrl) };
  }

  @Get('me-interceptor')
  @CachePage(60)
  @UseInterceptors(VaryOnCookieAfterHandler)
  meInterceptor(@Req() req: SessionRequest) {
    return { user: req.sessionUser ?? null, n: runs.hit(req.originalUrl) };
  }

  @Get('cookie-page')
  @CachePage(60)
  @VaryOnCookie()
  cookiePage(@Req() req: SessionRequest) {
    return { user: req.sessionUser ?? null, n: runs.hit(req.originalUrl) };
  }
}

let sequence = 0;
const fresh = (path: string) => `${path}${path.includes('?') ? '&' : '?'}t=${++sequence}`;

describe.each<StoreKind>(['redis', 'memory'])('@CachePage with the %s store (stricter than Django)', (store) => {
  let page: PageApp;
  const get = (path: string) => request(page.url).get(path);

  beforeAll(async () => {
    page = await pageApp({
      store,
      controllers: [StrictPages],
      providers: [VaryOnCookieAfterHandler],
      pageCache: {
        allowedHosts: ['127.0.0.1', 'example.com', '.example.org'],
        ignoredQueryParams: ['utm_*', 'fbclid'],
        sortQuery: true,
      },
      configure: (app) => app.use(sessionLike),
    });
  });

  afterAll(() => page.close());

  describe('when a request carries Authorization', () => {
    it('bypasses the cache unless the route varies on it', async () => {
      const path = fresh('/strict/plain');
      expectBypass(await get(path).set('Authorization', 'Bearer a').expect(200));
      expectBypass(await get(path).set('Authorization', 'Bearer a').expect(200));
      expectMiss(await get(path).expect(200));
      expect(runs.of(path)).toBe(3);
    });

    it('caches per Authorization value when the route opts in with @VaryOnHeaders("Authorization")', async () => {
      const path = fresh('/strict/per-token');
      const alice = await get(path).set('Authorization', 'Bearer alice').expect(200);
      const bob = await get(path).set('Authorization', 'Bearer bob').expect(200);
      const aliceAgain = await get(path).set('Authorization', 'Bearer alice').expect(200);
      const anonymous = await get(path).expect(200);
      expect([alice, bob, aliceAgain, anonymous].map((r) => r.headers['x-cache'])).toEqual([
        'MISS',
        'MISS',
        'HIT',
        'MISS',
      ]);
      expect([aliceAgain.body.token, anonymous.body.token]).toEqual(['Bearer alice', null]);
      expect(alice.headers.vary).toBe('Authorization');
    });
  });

  describe('when Vary: Cookie is added after the handler', () => {
    it.each([
      ['by a session-like middleware while the headers are written', '/strict/me'],
      ['by an interceptor inside the page cache', '/strict/me-interceptor'],
    ])("keys by the final Vary (%s): one user's page never reaches another", async (_, route) => {
      const path = fresh(route);
      const alice = await get(path).set('Cookie', 'user=alice').expect(200);
      const bob = await get(path).set('Cookie', 'user=bob').expect(200);
      const anonymous = await get(path).expect(200);
      const aliceAgain = await get(path).set('Cookie', 'user=alice').expect(200);
      expect([alice, bob, anonymous, aliceAgain].map((r) => r.headers['x-cache'])).toEqual([
        'MISS',
        'MISS',
        'MISS',
        'HIT',
      ]);
      expect([alice.body.user, bob.body.user, anonymous.body.user, aliceAgain.body.user]).toEqual([
        'alice',
        'bob',
        null,
        'alice',
      ]);
      expect(alice.headers.vary).toBe('Cookie');
      expect(aliceAgain.headers.vary).toBe('Cookie');
    });

    it('@VaryOnCookie keys by the cookie too', async () => {
      const path = fresh('/strict/cookie-page');
      await get(path).set('Cookie', 'user=alice').expect(200);
      const bob = await get(path).set('Cookie', 'user=bob').expect(200);
      expectMiss(bob);
      expect(bob.body.user).toBe('bob');
      expectHit(await get(path).set('Cookie', 'user=alice').expect(200));
    });
  });

  describe('hosts', () => {
    it('bypasses unknown hosts, so a forged Host can neither fill nor poison the cache', async () => {
      const path = fresh('/strict/plain');
      const forged = await get(path).set('Host', 'evil.test').expect(200);
      expectBypass(forged);
      expect(forged.body.host).toBe('evil.test');
      const real = await get(path).set('Host', 'example.com').expect(200);
      expectMiss(real);
      expect(real.body.host).toBe('example.com');
    });

    it('bypasses a Host with anything after its name and port, which would key the page as another URL', async () => {
      const path = fresh('/strict/plain');
      // `example.com:8080/strict` + `/strict/plain` is the key of `/strict/strict/plain` on example.com:8080.
      for (const host of ['example.com:8080/strict', 'example.com:8080?x=', 'example.com:abc', 'a@example.com']) {
        expectBypass(await get(path).set('Host', host).expect(200));
      }
      expectMiss(await get(path).set('Host', 'example.com:8080').expect(200));
      expectHit(await get(path).set('Host', 'example.com:8080').expect(200));
    });

    it('accepts subdomains of a ".domain" pattern, each under its own key', async () => {
      const path = fresh('/strict/plain');
      expectMiss(await get(path).set('Host', 'shop.example.org').expect(200));
      expectMiss(await get(path).set('Host', 'example.org').expect(200));
      expectHit(await get(path).set('Host', 'shop.example.org').expect(200));
    });

    it('ignores X-Forwarded-Host without "trust proxy"', async () => {
      const path = fresh('/strict/plain');
      const forwarded = await get(path).set('Host', 'example.com').set('X-Forwarded-Host', 'evil.test').expect(200);
      expectMiss(forwarded);
      expect(forwarded.body.host).toBe('example.com');
      expectHit(await get(path).set('Host', 'example.com').expect(200));
    });
  });

  describe('query strings', () => {
    it('leaves out ignored parameters and sorts the rest, so trivial variants share a page', async () => {
      const path = fresh('/strict/plain?b=2&a=1');
      await get(`${path}&utm_source=news`).expect(200);
      expectHit(await get(path.replace('b=2&a=1', 'a=1&b=2') + '&fbclid=xyz').expect(200));
      expectMiss(await get(`${path}&c=3`).expect(200));
    });
  });
});

describe('@CachePage behind a proxy ("trust proxy")', () => {
  let page: PageApp;
  const get = (path: string) => request(page.url).get(path);

  beforeAll(async () => {
    page = await pageApp({
      store: 'redis',
      controllers: [StrictPages],
      providers: [VaryOnCookieAfterHandler],
      pageCache: { allowedHosts: ['127.0.0.1', '.example.com'] },
      configure: (app) => app.set('trust proxy', true),
    });
  });

  afterAll(() => page.close());

  it('reads the host from X-Forwarded-Host, and bypasses one that is not allowed', async () => {
    const path = fresh('/strict/plain');
    expectBypass(await get(path).set('X-Forwarded-Host', 'evil.test').expect(200));
    const shop = await get(path).set('X-Forwarded-Host', 'shop.example.com').expect(200);
    expectMiss(shop);
    expect(shop.body.host).toBe('shop.example.com');
    expectHit(await get(path).set('Host', 'shop.example.com').expect(200));
    expectMiss(
      await get(path).set('X-Forwarded-Host', 'shop.example.com').set('X-Forwarded-Proto', 'https').expect(200),
    );
  });
});
