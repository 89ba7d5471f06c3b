import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { PAGE_CACHE_OPTIONS } from '../cache.constants.js';
import { CacheRegistry } from '../cache.registry.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import { CacheConfigError } from '../errors/cache-config.error.js';
import type { InProcessSize, InProcessSizes } from '../in-process-sizes.js';
import { pageKeys, type PageIdentity } from '../keys/page-key.js';
import type { PageCacheOptions } from './page-cache-options.interface.js';
import { resolvePageCacheOptions, type ResolvedPageCacheOptions } from './page-cache-options.js';
import type { PageRequest } from './page-fill.js';
import type { PageEdge, PageEdgeStats } from './edge/page-edge.js';
import { PageLookups, type PageLookup } from './page-lookup.js';
import { PageStore } from './page-store.js';
import { absolutePageUrl, parseAbsoluteUrl } from './page-url.js';
import { MAX_LEARNED_VARY_LISTS, VaryMemo } from './vary-memo.js';

/** Options of `PageCache.invalidate` and `invalidateKey`. */
export interface PageInvalidateOptions {
  /** The cache the pages are stored in. @default `PageCacheModule`'s `cache` */
  cache?: string;
}

/**
 * The page cache behind `PageCacheInterceptor`: finds and stores pages in the caches `CacheModule` configures,
 * and drops them by URL (`invalidate`) or explicit key (`invalidateKey`). Tags set with `@CachePage` are
 * invalidated with `CacheService.invalidateTags` on the cache that stores the pages.
 */
@Injectable()
export class PageCache implements OnModuleInit {
  /** @internal */
  readonly options: ResolvedPageCacheOptions;
  private readonly memo: VaryMemo;
  private readonly lookups: PageLookups;
  private readonly stores = new Map<string, PageStore>();
  private registry: CacheRegistry | undefined;
  private edgeInUse: PageEdge | undefined;

  constructor(
    @Inject(PAGE_CACHE_OPTIONS) options: PageCacheOptions,
    private readonly moduleRef: ModuleRef,
  ) {
    this.options = resolvePageCacheOptions(options);
    this.memo = new VaryMemo(this.options.learnedVaryTtlMs);
    this.lookups = new PageLookups(this.memo);
  }

  /** Checks at bootstrap that the default page cache is configured. */
  onModuleInit(): void {
    this.store(this.options.cache);
  }

  /**
   * Drops every stored variant of a URL (every Vary combination, every key prefix) and its learned Vary list.
   * The URL is normalised as requests are (ignored and sorted query parameters). Costs one SCAN of the cache.
   * @param url the absolute URL as clients request it: `https://example.com/recipes?page=2`.
   * @returns how many keys were deleted.
   * @throws CacheArgumentError when `url` is not an absolute http(s) URL.
   */
  async invalidate(url: string, options: PageInvalidateOptions = {}): Promise<number> {
    const parts = typeof url === 'string' ? parseAbsoluteUrl(url) : undefined;
    if (!parts) throw new CacheArgumentError('PageCache.invalidate', 'url', url, 'an absolute http(s) URL');
    return this.drop({ url: absolutePageUrl(parts, this.options.query) }, options.cache);
  }

  /**
   * Drops every stored variant of a page cached under an explicit `@CacheKey`.
   * @returns how many keys were deleted.
   */
  async invalidateKey(key: string, options: PageInvalidateOptions = {}): Promise<number> {
    if (typeof key !== 'string' || !key)
      throw new CacheArgumentError('PageCache.invalidateKey', 'key', key, 'a non-empty string');
    return this.drop({ key }, options.cache);
  }

  /**
   * Sizes and bounds of the page cache's in-process maps, to watch memory under load:
   * - `learnedVaryLists`: the Vary header lists learned per page, bounded by 10,000 (the oldest is dropped);
   * - `pageStores`: one per cache that stores pages, bounded by the caches `CacheModule` configures;
   * - per cache `<name>`, `pageFlights.<name>` (requests sharing one page read or fill), `pageRefreshes.<name>`
   *   (pages refreshed in the background) and `varyReads.<name>` (shared reads of a page's Vary list), all
   *   `max: null`: one entry per page with requests in progress, so bounded by the requests in flight.
   * - with `@CachePage({ edge: true })` routes: `edgePaths` (paths the edge has pages for, bounded by
   *   `edge.maxEntries`), and per cache `edgePages.<name>` and `edgeBytes.<name>` (bounded by `edge.maxEntries`
   *   and `edge.maxBytes`).
   * @example expect(pageCache.inProcessSizes().learnedVaryLists.size).toBeLessThanOrEqual(10_000)
   */
  inProcessSizes(): InProcessSizes {
    let sizes: Record<string, InProcessSize> = {
      learnedVaryLists: { size: this.memo.size, max: MAX_LEARNED_VARY_LISTS },
      pageStores: { size: this.stores.size, max: this.caches().names().length },
    };
    for (const store of this.stores.values()) sizes = { ...sizes, ...store.inProcessSizes() };
    if (this.edgeInUse) sizes = { ...sizes, ...this.edgeInUse.inProcessSizes() };
    return sizes;
  }

  /**
   * What the edge did since the process started: `hits` (requests answered before the router) and `fills`
   * (pages the normal path handed to it); undefined when the app has no `@CachePage({ edge: true })` route.
   */
  edgeStats(): Readonly<PageEdgeStats> | undefined {
    return this.edgeInUse && { ...this.edgeInUse.stats };
  }

  /** @internal The edge, once `PageEdgeInstaller` put it in front of the router. */
  get edge(): PageEdge | undefined {
    return this.edgeInUse;
  }

  /** @internal */
  useEdge(edge: PageEdge): void {
    this.edgeInUse = edge;
  }

  /** @internal Finds the page for a request, or hands it a fill. */
  lookup(request: PageRequest): Promise<PageLookup> {
    return this.lookups.find(this.store(request.cache), request);
  }

  /** @internal The page store of a configured cache. */
  store(name: string): PageStore {
    let store = this.stores.get(name);
    if (!store) {
      store = new PageStore(this.caches().get(name));
      this.stores.set(name, store);
    }
    return store;
  }

  private async drop(identity: PageIdentity, cache = this.options.cache): Promise<number> {
    const { idHash } = pageKeys(identity, '');
    this.memo.forget(`:${idHash}:`);
    return this.store(cache).deletePage(idHash);
  }

  private caches(): CacheRegistry {
    if (this.registry) return this.registry;
    let registry: CacheRegistry | undefined;
    try {
      registry = this.moduleRef.get(CacheRegistry, { strict: false });
    } catch {
      registry = undefined;
    }
    if (!registry) {
      throw new CacheConfigError('pageCache', undefined, 'CacheModule.forRoot() or forRootAsync() in the application');
    }
    this.registry = registry;
    return registry;
  }
}
