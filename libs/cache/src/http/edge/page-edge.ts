import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Request } from 'express';
import type { InProcessSize } from '../../in-process-sizes.js';
import type { PageEntry } from '../page-entry.js';
import type { QueryRules, UrlParts } from '../page-url.js';
import type { NearStore } from '../../near/near-store.js';
import { edgeResponse, writeEdgeResponse, type EdgeResponse } from './edge-response.js';
import { edgePathKey, edgeUrlParts, edgeVariantKey, type EdgeRequestLine } from './edge-request.js';
import type { ResolvedPageEdgeOptions } from './page-edge-options.js';

/** What the edge knows of a path: the cache and query rules of its route, and the Vary names of its pages. */
/** One cache's edge pages, kept coherent by that cache's near cache channel. @internal */
export type EdgeStore = NearStore<EdgeResponse>;

interface EdgePath {
  readonly cache: string;
  readonly rules: QueryRules;
  readonly varyNames: readonly string[];
}

/** Counters of the edge since the process started. */
export interface PageEdgeStats {
  /** Requests the edge answered before the router. */
  hits: number;
  /** Pages the normal path handed to the edge. */
  fills: number;
}

/** A GET the normal path is serving that may fill the edge, and where the edge's invalidations stood before it read. */
export interface EdgeFill {
  /** Offers the page the response sent (a HIT's entry, or the entry the MISS stored); called once it went out. */
  offer(response: ServerResponse, entry: PageEntry, tags: readonly string[]): void;
}

// Vary on either makes a page per user or per credential: those pages never go before the router.
const PRIVATE_VARY = ['cookie', 'authorization'];

/**
 * The page micro-cache in front of the router: answers GET/HEAD hits of `@CachePage({ edge: true })` routes
 * from process memory (one Map read on the page's URL and Vary values), and takes the pages the normal path
 * serves to eligible requests. Entries live in one `EdgeStore` per cache, kept coherent by that cache's near
 * cache channel. @internal
 */
export class PageEdge {
  readonly stats: PageEdgeStats = { hits: 0, fills: 0 };
  private readonly paths = new Map<string, EdgePath>();
  private trustsProxy: () => boolean = () => false;

  constructor(
    private readonly options: ResolvedPageEdgeOptions,
    private readonly allowedHosts: readonly string[],
    private readonly stores: ReadonlyMap<string, EdgeStore>,
  ) {}

  /** Tells the edge how to read Express's `trust proxy` (forwarded headers then step aside when it is on). */
  useTrustProxy(trustsProxy: () => boolean): void {
    this.trustsProxy = trustsProxy;
  }

  /** Answers the request from the edge when it can; false when it must go to the app, untouched. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.paths.size === 0) return false;
    const parts = edgeUrlParts(requestLine(req, req.url), this.allowedHosts, this.trustsProxy);
    if (!parts) return false;
    const path = this.paths.get(edgePathKey(parts, NO_RULES));
    if (!path) return false;
    const page = this.stores.get(path.cache)?.get(edgeVariantKey(parts, path.rules, path.varyNames, req.headers));
    if (!page) return false;
    writeEdgeResponse(res, page, req.method === 'HEAD', Date.now());
    this.stats.hits++;
    return true;
  }

  /**
   * Starts a possible fill for a GET of an edge route in cache `cache`, keyed with the route's query `rules`;
   * undefined when the edge could not answer this request (it would not either for the same request later).
   */
  begin(request: Request, cache: string, rules: QueryRules): EdgeFill | undefined {
    const store = this.stores.get(cache);
    if (!store || request.method !== 'GET') return undefined;
    const parts = edgeUrlParts(requestLine(request, request.originalUrl), this.allowedHosts, this.trustsProxy);
    if (!parts) return undefined;
    const mark = store.mark;
    return {
      offer: (response, entry, tags) => this.fill(store, cache, rules, parts, request, response, entry, tags, mark),
    };
  }

  /** Entries and bytes of each cache's edge store, the paths it knows, with their bounds. */
  inProcessSizes(): Record<string, InProcessSize> {
    const sizes: Record<string, InProcessSize> = {
      edgePaths: { size: this.paths.size, max: this.options.maxEntries },
    };
    for (const [cache, store] of this.stores) {
      sizes[`edgePages.${cache}`] = { size: store.size, max: this.options.maxEntries };
      sizes[`edgeBytes.${cache}`] = { size: store.bytes, max: this.options.maxBytes };
    }
    return sizes;
  }

  private fill(
    store: EdgeStore,
    cache: string,
    rules: QueryRules,
    parts: UrlParts,
    request: Request,
    response: ServerResponse,
    entry: PageEntry,
    tags: readonly string[],
    mark: number,
  ): void {
    if (!response.headersSent || response.statusCode !== 200 || entry.status !== 200) return;
    if (entry.varyNames.some((name) => PRIVATE_VARY.includes(name))) return;
    if (!sentAsStored(response, entry)) return;
    // Never past the page's fresh time; the store caps it at maxAgeMs.
    const ttlMs = entry.freshUntil === null ? undefined : entry.freshUntil - Date.now();
    const page = edgeResponse(
      200,
      response.getHeaders(),
      (response as ServerResponse & { getRawHeaderNames(): string[] }).getRawHeaderNames(),
      entry.body,
      entry.storedAt,
    );
    if (!page) return;
    const key = edgeVariantKey(parts, rules, entry.varyNames, request.headers);
    if (!store.set(key, page, { bytes: page.bytes, tags, mark, ...(ttlMs === undefined ? {} : { ttlMs }) })) return;
    const pathKey = edgePathKey(parts, rules);
    this.paths.delete(pathKey);
    this.paths.set(pathKey, { cache, rules, varyNames: entry.varyNames });
    // Oldest path first out: a forgotten path only sends its requests to the router.
    if (this.paths.size > this.options.maxEntries) this.paths.delete(this.paths.keys().next().value!);
    this.stats.fills++;
  }
}

const NO_RULES: QueryRules = { ignored: () => false, sort: false };

function requestLine(req: IncomingMessage, url: string | undefined): EdgeRequestLine {
  return {
    method: req.method,
    url,
    headers: req.headers,
    encrypted: (req.socket as TLSSocket | undefined)?.encrypted === true,
  };
}

/**
 * Whether the bytes that went out are the entry's: no layer below the page cache re-encoded or resized the body
 * (compression would have set Content-Encoding or another Content-Length on the way out).
 */
function sentAsStored(response: ServerResponse, entry: PageEntry): boolean {
  const stored = (name: string) => entry.headers.find(([header]) => header.toLowerCase() === name)?.[1];
  const sentEncoding = response.getHeader('content-encoding');
  if (String(sentEncoding ?? '') !== String(stored('content-encoding') ?? '')) return false;
  const sentLength = response.getHeader('content-length');
  return sentLength === undefined || String(sentLength) === String(entry.body.length);
}
