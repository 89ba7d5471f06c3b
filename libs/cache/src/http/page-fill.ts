import type { IncomingHttpHeaders } from 'node:http';
import type { CallGuard } from '../faults/call-guard.js';
import { pageEntryKey, varyHash, type PageIdentity, type PageKeys } from '../keys/page-key.js';
import { headerText } from './cache-control.js';
import { encodePageEntry, type PageEntry, type StoredHeader } from './page-entry.js';
import { isStrongEtag, storedHeaders, strongEtag, type CapturedResponse } from './page-rules.js';
import type { Flight, PageStore, Shared } from './page-store.js';
import type { VaryMemo } from './vary-memo.js';
import { varyNames } from './vary.js';

/** One cacheable GET or HEAD, as the interceptor hands it to `PageCache`. @internal */
export interface PageRequest {
  readonly cache: string;
  readonly method: 'GET' | 'HEAD';
  readonly identity: PageIdentity;
  readonly keyPrefix: string;
  readonly headers: IncomingHttpHeaders;
  readonly tags: readonly string[];
  /** Seconds. */
  readonly staleWhileRevalidate: number;
  /** The request carries Authorization (the route opted in, so it is part of the key). */
  readonly authorized: boolean;
}

const NOT_STORED: Promise<undefined> = Promise.resolve(undefined);

/** Where a fill reports to: the flight other requests wait on, and the refresh it holds. @internal */
export interface FillLinks {
  readonly flight?: { readonly key: string; readonly flight: Flight };
  readonly refresh?: { readonly key: string; readonly token: string };
}

/**
 * The end of a miss: once the response went out, stores it under the key its final Vary gives (or gives up),
 * hands it to the requests waiting on the same page, and releases what the miss held. @internal
 */
export class PageFill {
  private settled = false;

  constructor(
    private readonly store: PageStore,
    private readonly memo: VaryMemo,
    private readonly request: PageRequest,
    private readonly keys: PageKeys,
    private readonly tokens: Readonly<Record<string, string>> | undefined,
    private readonly guard: CallGuard,
    private readonly links: FillLinks = {},
  ) {}

  /** The page's tags, as the route named them for this request. */
  get tags(): readonly string[] {
    return this.request.tags;
  }

  /** The cache's default TTL (seconds, `null` for never), used when neither the route nor max-age gives one. */
  get defaultTtl(): number | null {
    return this.store.options.defaultTtl;
  }

  /**
   * Stores a response the interceptor found storable, for `ttl` seconds (`null`: never expires). The waiting
   * requests get it at once; the write goes on in the background.
   * @returns the entry once Redis stored it; undefined when it was not stored.
   */
  save(
    response: CapturedResponse,
    ttl: number | null,
    setBefore: ReadonlyMap<string, unknown>,
  ): Promise<PageEntry | undefined> {
    if (this.settled) return NOT_STORED;
    this.settled = true;
    const names = varyNames(headerText(response.headers['vary']));
    const tokens = this.tokens !== undefined && this.store.tokensWritable(this.request.tags) ? this.tokens : undefined;
    // After a fault during the lookup nothing more is sent to Redis for this request, the write included.
    if (ttl === 0 || names === '*' || response.body === undefined || tokens === undefined || this.guard.hasFaulted) {
      this.finish(undefined);
      return NOT_STORED;
    }
    const { store, request, keys } = this;
    const entryKey = pageEntryKey(keys.idHash, request.keyPrefix, 'GET', varyHash(names, request.headers));
    const now = Date.now();
    const entry: PageEntry = {
      status: response.statusCode,
      headers: withStrongEtag(storedHeaders(response, setBefore), response.body),
      body: response.body,
      storedAt: now,
      freshUntil: ttl === null ? null : now + ttl * 1000,
      varyNames: names,
      ...(request.tags.length ? { tags: tokens } : {}),
    };
    const data = encodePageEntry(entry);
    const problem = this.unwritable(entryKey, data);
    if (problem) {
      store.logger.warn(`Cache "${store.options.name}": page ${entryKey} not stored: ${problem}.`);
      this.finish(undefined);
      return NOT_STORED;
    }
    this.links.flight?.flight.resolve({ entry, entryKey, stale: false });
    const storeTtl = ttl === null ? null : ttl + request.staleWhileRevalidate;
    return store
      .write(entryKey, keys.varyKey, data, names, storeTtl, this.guard)
      .then(
        (stored) => {
          if (!stored) return undefined;
          store.stats.sets++;
          // Learned before the flight is dropped: a request that no longer finds the flight finds the names.
          this.memo.set(memoKey(request.cache, keys.varyKey), names);
          return entry;
        },
        (error: Error) => {
          store.logger.warn(`Cache "${store.options.name}": page ${entryKey} not stored: ${error.message}`);
          return undefined;
        },
      )
      .finally(() => this.release());
  }

  /** Nothing is stored (the response was not storable, or the client went away). */
  abandon(): void {
    if (this.settled) return;
    this.settled = true;
    this.finish(undefined);
  }

  private finish(shared: Shared | undefined): void {
    this.links.flight?.flight.resolve(shared);
    this.release();
  }

  private release(): void {
    const { flight, refresh } = this.links;
    if (flight && this.store.flights.get(flight.key) === flight.flight) {
      clearTimeout(flight.flight.timer);
      this.store.flights.delete(flight.key);
    }
    if (refresh) {
      this.store.refreshing.delete(refresh.key);
      void this.store.unlock(refresh.key, refresh.token).catch(() => undefined);
    }
  }

  private unwritable(entryKey: string, data: Buffer): string | undefined {
    const { maxValueBytes, maxKeyLength } = this.store.options;
    if (maxValueBytes !== undefined && data.length > maxValueBytes) {
      return `${data.length} bytes, over maxValueBytes (${maxValueBytes})`;
    }
    // A longer key would be hashed whole, and invalidate(url) could no longer find it by its URL hash.
    if (entryKey.length > maxKeyLength)
      return `key longer than maxKeyLength (${maxKeyLength}); use a shorter keyPrefix`;
    return undefined;
  }
}

/** Key of a learned Vary list in the process memo: per cache, per page. @internal */
export function memoKey(cache: string, varyKey: string): string {
  return `${cache}\n${varyKey}`;
}

function withStrongEtag(headers: StoredHeader[], body: Buffer): StoredHeader[] {
  const etag = headers.find(([name]) => name.toLowerCase() === 'etag');
  if (etag && isStrongEtag(etag[1])) return headers;
  // Hits answer If-None-Match from this validator, so the entry always carries one for its exact bytes.
  return [...headers.filter((header) => header !== etag), ['ETag', strongEtag(body)]];
}
