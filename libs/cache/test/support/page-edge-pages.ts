import { Controller, Get, Header, Param, Req, Res } from '@nestjs/common';
import { CachePage } from '@stash/cache';
import type { Request, Response } from 'express';
import { Runs } from './page-cache-app.js';
import { rawRequest, timeUntil, type EdgeApp } from './page-edge-app.js';

/** Handler runs of `EdgePages`, by path. */
export const edgeRuns = new Runs();
const HTML = 'text/html; charset=utf-8';
/** The edge tests' pages: text that names the run, so that a test sees which request computed a page. */
@Controller('edge')
export class EdgePages {
  @Get('plain')
  @Header('Content-Type', HTML)
  @CachePage({ ttl: 60, edge: true, tags: ['plain'] })
  plain(@Req() req: Request) {
    return `<p>plain ${edgeRuns.hit(req.path)}</p>`;
  }

  @Get('listing')
  @Header('Content-Type', HTML)
  @CachePage({ ttl: 60, edge: true, queryParams: ['page'] })
  listing(@Req() req: Request) {
    return `<p>page ${String(req.query.page ?? 1)}, run ${edgeRuns.hit(req.originalUrl)}</p>`;
  }

  @Get('any-query')
  @Header('Content-Type', HTML)
  @CachePage({ ttl: 60, edge: true })
  anyQuery(@Req() req: Request) {
    return `<p>${req.originalUrl} ${edgeRuns.hit(req.originalUrl)}</p>`;
  }

  @Get('per-cookie')
  @Header('Content-Type', HTML)
  @CachePage({ ttl: 60, edge: true })
  perCookie(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    // Like a session read: the page is per visitor, whether or not this request had a cookie.
    res.setHeader('Vary', 'Cookie');
    return `<p>visitor ${req.headers.cookie ?? 'anonymous'} ${edgeRuns.hit(req.path)}</p>`;
  }

  /** Echoes what a page URL is built from, and what a poisoning request tries to change. */
  @Get('echo/:n')
  @Header('Content-Type', HTML)
  @CachePage({ ttl: 60, edge: true })
  echo(@Req() req: Request, @Param('n') n: string) {
    return `${n} ${req.method} ${req.protocol}://${req.host}${req.originalUrl} ${edgeRuns.hit(req.originalUrl)}`;
  }

  @Get('not-edge')
  @Header('Content-Type', HTML)
  @CachePage(60)
  notEdge(@Req() req: Request) {
    return `<p>not edge ${edgeRuns.hit(req.path)}</p>`;
  }
}

/** A request's response, and whether it entered Express (false: the edge answered it). */
export interface EdgeAnswer {
  readonly response: Awaited<ReturnType<typeof rawRequest>>;
  readonly enteredExpress: boolean;
}

/** Requests to an edge app that tell who answered them. */
export interface EdgeClient {
  /** Primes a page (a MISS through the router) and waits until the edge holds it. */
  prime(path: string): Promise<void>;
  /** Sends a request and tells whether it entered Express. */
  viaExpress(path: string, options?: Parameters<typeof rawRequest>[2]): Promise<EdgeAnswer>;
}

export function edgeClient(app: () => EdgeApp): EdgeClient {
  return {
    async prime(path) {
      const page = app();
      const fills = page.pageCache.edgeStats()!.fills;
      const miss = await rawRequest(page.url, path);
      expect(miss.headers['x-cache']).toBe('MISS');
      await timeUntil(() => page.pageCache.edgeStats()!.fills > fills, 2_000, `the edge took ${path}`);
    },
    async viaExpress(path, options = {}) {
      const page = app();
      const before = page.expressRequests();
      const response = await rawRequest(page.url, path, options);
      return { response, enteredExpress: page.expressRequests() > before };
    },
  };
}
