import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Observable, type Subscription } from 'rxjs';
import type { PageIdentity } from '../keys/page-key.js';
import { headerText, parseCacheControl, patchResponseHeaders } from './cache-control.js';
import type { EdgeFill } from './edge/page-edge.js';
import { PageCache } from './page-cache.service.js';
import type { PageFill, PageRequest } from './page-fill.js';
import { applyRouteHeaders, CACHE_STATUS_HEADER, replayPage } from './page-replay.js';
import { readPageRoute, type CachePageOptions, type PageRoute, type RouteHandler } from './page-route.js';
import { isStrongEtag, resolvePageTtl, strongEtag, unstorableReason, type CapturedResponse } from './page-rules.js';
import { absolutePageUrl, isAllowedHost, keepingOnly, type QueryRules } from './page-url.js';
import { captureResponse, onResponseHead } from './response-capture.js';
import { addServerTiming, cacheTimingMetric } from './server-timing.js';

/**
 * Serves `@CachePage` routes from the cache and fills it, and applies `@VaryOnHeaders`, `@VaryOnCookie`,
 * `@CacheControl` and `@NeverCache`. Every looked-up request gets `X-Cache` and a `Server-Timing` metric
 * (`cache;desc="HIT";dur=0.4`: the verdict and the lookup's milliseconds). Register it globally
 * (`{ provide: APP_INTERCEPTOR, useClass: PageCacheInterceptor }`, first, so that interceptors reshaping handler
 * values run inside it) or per route with `@UseInterceptors(PageCacheInterceptor)`. It runs after guards: a
 * protected page stays protected.
 *
 * Extend it and override `isRequestCacheable`, `trackBy` or `isResponseCacheable` to change which requests are
 * looked up, what identifies a page, or which responses are stored.
 */
@Injectable()
export class PageCacheInterceptor implements NestInterceptor {
  private readonly routes = new WeakMap<RouteHandler, Map<Type, PageRoute | null>>();
  private readonly routeQueryRules = new WeakMap<Readonly<CachePageOptions>, QueryRules>();

  constructor(
    protected readonly reflector: Reflector,
    protected readonly pageCache: PageCache,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const route = this.route(context);
    if (!route) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const page = route.unsupported ? undefined : route.page;
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    if (!page || !isRead || response.headersSent) return this.headersOnly(response, route, next);
    const started = performance.now();
    if (!this.isRequestCacheable(request, route)) {
      response.setHeader(CACHE_STATUS_HEADER, 'BYPASS');
      return this.headersOnly(response, route, next, cacheTimingMetric('BYPASS', performance.now() - started));
    }
    const pageRequest = this.pageRequest(request, route, page);
    const edgeFill = page.edge
      ? this.pageCache.edge?.begin(request, pageRequest.cache, this.queryRules(page))
      : undefined;
    return new Observable<unknown>((subscriber) => {
      let inner: Subscription | undefined;
      let closed = false;
      this.pageCache.lookup(pageRequest).then(
        (lookup) => {
          const lookupMs = performance.now() - started;
          if (lookup.status === 'miss') {
            if (closed) return lookup.fill.abandon();
            this.fill(request, response, route, page, lookup.fill, cacheTimingMetric('MISS', lookupMs), edgeFill);
            inner = next.handle().subscribe(subscriber);
            return;
          }
          if (closed) return;
          const status = lookup.status === 'hit' ? 'HIT' : 'STALE';
          replayPage(
            request,
            response,
            lookup.entry,
            status,
            route.handlesResponse,
            cacheTimingMetric(status, lookupMs),
          );
          if (lookup.status === 'hit') edgeFill?.offer(response, lookup.entry, pageRequest.tags);
          subscriber.next(undefined);
          subscriber.complete();
        },
        (error: unknown) => subscriber.error(error),
      );
      return () => {
        closed = true;
        inner?.unsubscribe();
      };
    });
  }

  /**
   * Whether a GET or HEAD is looked up and may be stored. By default: not when it carries Authorization,
   * unless the route varies on it (RFC 9111 §3.5), and only for the allowed hosts, read as `req.host` reads
   * them (X-Forwarded-Host only under Express's `trust proxy`) and checked whole, port included: the page key
   * is built from that value.
   */
  protected isRequestCacheable(request: Request, route: PageRoute): boolean {
    if (request.headers.authorization !== undefined && !route.varyOnAuthorization) return false;
    return isAllowedHost(request.host, this.pageCache.options.allowedHosts);
  }

  /**
   * What identifies the page before Vary: the explicit `@CacheKey`, else the absolute URL (scheme, host with
   * port, path, and the query without ignored parameters or those the route's `queryParams` leaves out, sorted
   * when configured).
   */
  protected trackBy(request: Request, route: PageRoute): PageIdentity {
    if (route.key !== undefined) return { key: typeof route.key === 'function' ? route.key(request) : route.key };
    const parts = { protocol: request.protocol, host: request.host ?? '', target: request.originalUrl };
    return { url: absolutePageUrl(parts, this.queryRules(route.page)) };
  }

  /**
   * Whether the response as it was sent may be stored. By default Django's rules and Stash's stricter ones:
   * a GET answered 200 with a body sent whole, no Set-Cookie, no `private`/`no-cache`/`no-store`, no `Vary: *`,
   * and `Vary: Authorization` when the request carried Authorization.
   */
  protected isResponseCacheable(response: CapturedResponse, request: Request, _route: PageRoute): boolean {
    const authorized = request.headers.authorization !== undefined;
    return unstorableReason(response, { method: request.method, authorized }) === undefined;
  }

  private fill(
    request: Request,
    response: Response,
    route: PageRoute,
    page: CachePageOptions,
    fill: PageFill,
    timing: string,
    edgeFill: EdgeFill | undefined,
  ): void {
    const setBefore = new Map(Object.entries(response.getHeaders()));
    response.setHeader(CACHE_STATUS_HEADER, 'MISS');
    captureResponse(response, {
      beforeHead: () => {
        // At the last moment, so that a Server-Timing the handler sets is kept: ours is appended (never stored).
        addServerTiming(response, timing);
        applyRouteHeaders(response, route);
        // Django's patch_response_headers, for what UpdateCacheMiddleware would store: 200/304, not private.
        if (response.statusCode !== 200 && response.statusCode !== 304) return;
        const cacheControl = headerText(response.getHeader('cache-control'));
        if (parseCacheControl(cacheControl).has('private')) return;
        const ttl = resolvePageTtl(page.ttl, cacheControl, fill.defaultTtl);
        if (ttl.patchHeaders && ttl.seconds !== null) patchResponseHeaders(response, ttl.seconds);
      },
      beforeEnd: (body) => {
        if (request.method !== 'GET' || response.statusCode !== 200) return;
        if (!isStrongEtag(response.getHeader('etag'))) response.setHeader('ETag', strongEtag(body));
      },
      done: (captured) => {
        // The final headers decide, after every layer below had its say (a Vary: Cookie added late included).
        const cacheControl = headerText(captured.headers['cache-control']);
        const { seconds } = resolvePageTtl(page.ttl, cacheControl, fill.defaultTtl);
        if (seconds !== 0 && this.isResponseCacheable(captured, request, route)) {
          void fill.save(captured, seconds, setBefore).then((entry) => {
            if (entry) edgeFill?.offer(response, entry, fill.tags);
          });
        } else fill.abandon();
      },
      aborted: () => fill.abandon(),
    });
  }

  private headersOnly(response: Response, route: PageRoute, next: CallHandler, timing?: string): Observable<unknown> {
    if (timing !== undefined || route.varyHeaders.length > 0 || route.cacheControl || route.neverCache) {
      onResponseHead(response, () => {
        applyRouteHeaders(response, route);
        if (timing !== undefined) addServerTiming(response, timing);
      });
    }
    return next.handle();
  }

  private pageRequest(request: Request, route: PageRoute, page: CachePageOptions): PageRequest {
    const { options } = this.pageCache;
    const tags = typeof page.tags === 'function' ? [...new Set(page.tags(request))] : (page.tags ?? []);
    return {
      cache: page.cache ?? options.cache,
      method: request.method as 'GET' | 'HEAD',
      identity: this.trackBy(request, route),
      keyPrefix: page.keyPrefix ?? options.keyPrefix,
      headers: request.headers,
      tags,
      staleWhileRevalidate: page.staleWhileRevalidate ?? 0,
      authorized: request.headers.authorization !== undefined,
    };
  }

  private queryRules(page: Readonly<CachePageOptions> | undefined): QueryRules {
    const rules = this.pageCache.options.query;
    if (!page?.queryParams) return rules;
    let routeRules = this.routeQueryRules.get(page);
    if (!routeRules) {
      routeRules = keepingOnly(rules, page.queryParams);
      this.routeQueryRules.set(page, routeRules);
    }
    return routeRules;
  }

  private route(context: ExecutionContext): PageRoute | undefined {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byController = this.routes.get(handler);
    if (!byController) {
      byController = new Map();
      this.routes.set(handler, byController);
    }
    let route = byController.get(controller);
    if (route === undefined) {
      route = readPageRoute(this.reflector, controller, handler) ?? null;
      byController.set(controller, route);
      if (route?.page && route.unsupported) {
        this.pageCache
          .store(this.pageCache.options.cache)
          .logger.warn(
            `@CachePage on ${controller.name}.${handler.name} is ignored: ${route.unsupported} routes are not page-cached.`,
          );
      }
    }
    return route ?? undefined;
  }
}
