import type { PageEdgeOptions } from './edge/page-edge-options.interface.js';

/** Options of `PageCacheModule.forRoot`: how every `@CachePage` route is keyed and which requests it serves. */
export interface PageCacheOptions {
  /**
   * Host names whose requests may be cached (Django's `ALLOWED_HOSTS`): `example.com`, `.example.com` for it and
   * its subdomains, or `*` for any. Requests for other hosts bypass the cache. Required: a forged `Host` must
   * not be able to fill the cache.
   */
  allowedHosts: string[];
  /** Name of the configured cache that stores pages unless a route names another. @default 'default' */
  cache?: string;
  /** Namespace inside every page key (Django's `CACHE_MIDDLEWARE_KEY_PREFIX`). @default '' */
  keyPrefix?: string;
  /** Query parameters left out of page keys: names, or prefixes ending in `*` (`utm_*`). @default [] */
  ignoredQueryParams?: string[];
  /** Sort query parameters by name before keying, so `?a=1&b=2` and `?b=2&a=1` share a page. @default false */
  sortQuery?: boolean;
  /**
   * How long, in milliseconds, a process remembers the Vary header list it learned for a URL. While it does, a
   * hit is one Redis round trip; after it, the next hit reads the list again (two round trips). 0 disables it.
   * @default 10000
   */
  learnedVaryTtlMs?: number;
  /**
   * The edge: the micro-cache answering `@CachePage({ edge: true })` hits before the Express router (bounds, local
   * lifetime, acknowledged global guards and interceptors). @default { skip: [], maxAgeMs: 5000, maxEntries: 1000, maxBytes: 16 MiB }
   */
  edge?: PageEdgeOptions;
}
