import type { ExecutionContext, Type } from '@nestjs/common';
import {
  REDIRECT_METADATA,
  RENDER_METADATA,
  RESPONSE_PASSTHROUGH_METADATA,
  ROUTE_ARGS_METADATA,
  SSE_METADATA,
} from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import {
  CACHE_CONTROL_METADATA,
  CACHE_KEY_METADATA,
  CACHE_PAGE_METADATA,
  NEVER_CACHE_METADATA,
  VARY_ON_COOKIE_METADATA,
  VARY_ON_HEADERS_METADATA,
} from '../cache.constants.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import { cacheControlDirectives, type CacheControlDirectives, type CacheControlOptions } from './cache-control.js';

/** A route handler, as `ExecutionContext.getHandler()` returns it. */
export type RouteHandler = ReturnType<ExecutionContext['getHandler']>;

/** Options of `@CachePage`. Durations are in seconds. */
export interface CachePageOptions {
  /** Lifetime in seconds; `null` never expires; `0` stores nothing. @default the response's `max-age`, else the cache's `defaultTtl` */
  ttl?: number | null;
  /** Name of the configured cache that stores the page. @default `PageCacheModule`'s `cache` ('default') */
  cache?: string;
  /** Namespace inside the page keys (Django's `key_prefix`). @default `PageCacheModule`'s `keyPrefix` ('') */
  keyPrefix?: string;
  /** Tags the page depends on; `CacheService.invalidateTags` on any of them makes it miss. */
  tags?: readonly string[] | ((request: Request) => readonly string[]);
  /** Seconds after expiry during which the stale page is served while one request refreshes it. @default 0 */
  staleWhileRevalidate?: number;
  /**
   * The query parameters the page reads: only they key it (after `PageCacheModule`'s `ignoredQueryParams`), so
   * junk parameters share the page instead of storing a copy each. `[]`: the page ignores its query string.
   * @default every parameter, as sent
   */
  queryParams?: readonly string[];
  /**
   * Serve this page's in-process hits before the Express router runs (a micro-cache in front of the app): only
   * GET/HEAD without Cookie, Authorization, validators or Range, on an allowed host, for entries that do not vary
   * on Cookie or Authorization. Needs the near cache on the page's cache (tuned by `PageCacheModule`'s `edge` option);
   * the route may have no guards or interceptors of its own (bootstrap error, `PageEdgeError`).
   * @default false
   */
  edge?: boolean;
}

/** What `@CacheKey` takes: a fixed key, or one computed from the request. */
export type PageKeySource = string | ((request: Request) => string);

/** Everything the page cache decorators say about one route (method metadata overrides the controller's). */
export interface PageRoute {
  /** `@CachePage` options; undefined when the route only patches headers. */
  readonly page: Readonly<CachePageOptions> | undefined;
  readonly key: PageKeySource | undefined;
  /** `@VaryOnHeaders` names, then `Cookie` for `@VaryOnCookie`. */
  readonly varyHeaders: readonly string[];
  /** The route opted in to caching requests that carry Authorization (`@VaryOnHeaders('Authorization')`). */
  readonly varyOnAuthorization: boolean;
  readonly cacheControl: CacheControlDirectives | undefined;
  readonly neverCache: boolean;
  /** `@Res()` without passthrough: Nest sends nothing after the interceptors, so a hit must finish the response. */
  readonly handlesResponse: boolean;
  /** Why the route cannot be page-cached (`@Render`, `@Redirect`, `@Sse`), if it cannot. */
  readonly unsupported: string | undefined;
}

/** Validates `@CachePage`'s argument when the decorator is applied. */
export function cachePageOptions(options: number | CachePageOptions): Readonly<CachePageOptions> {
  const resolved = typeof options === 'number' ? { ttl: options } : options;
  if (typeof resolved !== 'object' || resolved === null) {
    throw new CacheArgumentError(
      '@CachePage',
      'options',
      options,
      'seconds, or { ttl, cache, keyPrefix, tags, staleWhileRevalidate, queryParams, edge }',
    );
  }
  const { ttl, cache, keyPrefix, tags, staleWhileRevalidate, queryParams, edge } = resolved;
  if (ttl !== undefined && ttl !== null && !isSeconds(ttl)) {
    throw new CacheArgumentError('@CachePage', 'ttl', ttl, 'seconds >= 0, or null for never');
  }
  if (staleWhileRevalidate !== undefined && !isSeconds(staleWhileRevalidate)) {
    throw new CacheArgumentError('@CachePage', 'staleWhileRevalidate', staleWhileRevalidate, 'seconds >= 0');
  }
  if (cache !== undefined && (typeof cache !== 'string' || !cache)) {
    throw new CacheArgumentError('@CachePage', 'cache', cache, 'the name of a configured cache');
  }
  if (keyPrefix !== undefined && (typeof keyPrefix !== 'string' || /[\x00-\x1f\x7f]/.test(keyPrefix))) {
    throw new CacheArgumentError('@CachePage', 'keyPrefix', keyPrefix, 'a string without control characters');
  }
  if (tags !== undefined && typeof tags !== 'function' && !(Array.isArray(tags) && tags.every(isNonEmptyString))) {
    throw new CacheArgumentError('@CachePage', 'tags', tags, 'an array of non-empty strings, or (request) => string[]');
  }
  if (queryParams !== undefined && !(Array.isArray(queryParams) && queryParams.every(isNonEmptyString))) {
    throw new CacheArgumentError('@CachePage', 'queryParams', queryParams, 'an array of parameter names ([] for none)');
  }
  if (edge !== undefined && typeof edge !== 'boolean') {
    throw new CacheArgumentError('@CachePage', 'edge', edge, 'a boolean');
  }
  return Object.freeze({
    ...resolved,
    ...(Array.isArray(tags) ? { tags: Object.freeze([...new Set(tags)]) } : {}),
    ...(queryParams ? { queryParams: Object.freeze([...queryParams]) } : {}),
  });
}

/** Validates `@CacheControl`'s options and returns them as directives. */
export function cacheControlMetadata(options: CacheControlOptions): CacheControlDirectives {
  for (const name of ['maxAge', 'sMaxAge', 'staleWhileRevalidate', 'staleIfError'] as const) {
    const value = options[name];
    if (value !== undefined && !(isSeconds(value) && Number.isInteger(value))) {
      throw new CacheArgumentError('@CacheControl', name, value, 'whole seconds >= 0');
    }
  }
  return Object.freeze(cacheControlDirectives(options));
}

/** Validates `@VaryOnHeaders`' names (HTTP field names, RFC 9110 §5.1). */
export function varyHeaderNames(names: readonly string[]): readonly string[] {
  for (const name of names) {
    if (typeof name !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || name === '*') {
      throw new CacheArgumentError('@VaryOnHeaders', 'name', name, 'an HTTP header name');
    }
  }
  return Object.freeze([...names]);
}

/** Reads a route's decorators; undefined when it has none of the page cache's. */
export function readPageRoute(reflector: Reflector, controller: Type, handler: RouteHandler): PageRoute | undefined {
  const targets = [handler, controller];
  const page = reflector.getAllAndOverride<Readonly<CachePageOptions> | undefined>(CACHE_PAGE_METADATA, targets);
  const key = reflector.getAllAndOverride<PageKeySource | undefined>(CACHE_KEY_METADATA, targets);
  const headers = reflector.getAllAndOverride<readonly string[] | undefined>(VARY_ON_HEADERS_METADATA, targets) ?? [];
  const cookie = reflector.getAllAndOverride<boolean | undefined>(VARY_ON_COOKIE_METADATA, targets) ?? false;
  const cacheControl = reflector.getAllAndOverride<CacheControlDirectives | undefined>(CACHE_CONTROL_METADATA, targets);
  const neverCache = reflector.getAllAndOverride<boolean | undefined>(NEVER_CACHE_METADATA, targets) ?? false;
  if (!page && !key && headers.length === 0 && !cookie && !cacheControl && !neverCache) return undefined;
  const varyHeaders = cookie ? [...headers, 'Cookie'] : headers;
  return {
    page,
    key,
    varyHeaders,
    varyOnAuthorization: varyHeaders.some((name) => name.toLowerCase() === 'authorization'),
    cacheControl,
    neverCache,
    handlesResponse: handlesResponse(controller, handler.name),
    unsupported: unsupported(handler),
  };
}

function handlesResponse(controller: Type, method: string): boolean {
  const args: Record<string, unknown> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
  const injectsResponse = Object.keys(args).some((key) => {
    const type = Number(key.split(':')[0]);
    return type === RouteParamtypes.RESPONSE || type === RouteParamtypes.NEXT;
  });
  return injectsResponse && !Reflect.getMetadata(RESPONSE_PASSTHROUGH_METADATA, controller, method);
}

function unsupported(handler: RouteHandler): string | undefined {
  if (Reflect.getMetadata(RENDER_METADATA, handler) !== undefined) return '@Render';
  if (Reflect.getMetadata(REDIRECT_METADATA, handler) !== undefined) return '@Redirect';
  if (Reflect.getMetadata(SSE_METADATA, handler)) return '@Sse';
  return undefined;
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
