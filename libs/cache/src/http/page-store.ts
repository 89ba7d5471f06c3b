import type { CacheService } from '../cache.service.js';
import type { CacheContext } from '../entries/cache-context.js';
import { CacheDecodeError } from '../errors/cache-decode.error.js';
import { ensureTokens, readTokens, readWithTokens, stillWritable } from '../entries/tag-tokens.js';
import { CallGuard } from '../faults/call-guard.js';
import type { InProcessSizes } from '../in-process-sizes.js';
import type { StoreGuard } from '../faults/fault-guard.js';
import { pagePattern } from '../keys/page-key.js';
import { newToken } from '../store/base-cache-store.js';
import { decodePageEntry, type PageEntry } from './page-entry.js';

/** What a page read found. */
export type PageRead =
  { readonly status: 'missing' } | { readonly status: 'fresh' | 'stale'; readonly entry: PageEntry };

/** A page another request in this process is reading or computing, shared with requests that arrive meanwhile. */
export interface Flight {
  readonly promise: Promise<Shared | undefined>;
  resolve(shared: Shared | undefined): void;
  timer?: NodeJS.Timeout;
  /** Set before it resolves with nothing because its request met a Redis fault: waiters then go without Redis too. */
  faulted?: boolean;
}

/** A page one request read or stored, offered to the others of its flight. */
export interface Shared {
  readonly entry: PageEntry;
  /** User key it is stored under; a request may use it only when its own key for these Vary names is the same. */
  readonly entryKey: string;
  readonly stale: boolean;
}

/** A Vary list read shared by the requests that need it at once, and whether that read met a Redis fault. */
export interface LearnedVary {
  readonly names: readonly string[] | undefined;
  readonly faulted: boolean;
}

const MISSING: PageRead = { status: 'missing' };
const OPERATION = 'pageCache';
const nothing = (): undefined => undefined;

/**
 * Page I/O on one cache: raw bytes under the cache's key function, version and prefix, behind the fault guard of
 * the request (`callGuard()`): reads miss and writes are skipped when Redis is unreachable, and once one command
 * of a request met a fault, the request's later commands are not sent. Also holds the cache's in-process flights.
 */
export class PageStore {
  readonly flights = new Map<string, Flight>();
  readonly refreshing = new Set<string>();
  readonly learning = new Map<string, Promise<LearnedVary>>();
  private readonly context: CacheContext;

  constructor(readonly cache: CacheService) {
    this.context = cache.internals;
  }

  get stats(): CacheContext['stats'] {
    return this.context.stats;
  }

  get options(): CacheContext['options'] {
    return this.context.options;
  }

  get logger(): CacheContext['logger'] {
    return this.context.logger;
  }

  /** Requests in progress on this cache's pages: shared reads and fills, background refreshes, Vary list reads. */
  inProcessSizes(): InProcessSizes {
    const cache = this.options.name;
    return {
      [`pageFlights.${cache}`]: { size: this.flights.size, max: null },
      [`pageRefreshes.${cache}`]: { size: this.refreshing.size, max: null },
      [`varyReads.${cache}`]: { size: this.learning.size, max: null },
    };
  }

  /** A guard for the commands of one request: after its first fault, the rest of them are not sent. */
  callGuard(): CallGuard {
    return new CallGuard(this.context.guard, this.context.options);
  }

  /** The Vary names learned for a page; undefined when none are stored (nothing can be cached for it). */
  readVaryNames(varyKey: string, guard: StoreGuard): Promise<readonly string[] | undefined> {
    const { store, keys } = this.context;
    const storedKey = keys.entry(varyKey);
    return guard
      .run(OPERATION, () => store.get(storedKey), nothing)
      .then((data) => {
        if (data === undefined) return undefined;
        try {
          const names: unknown = JSON.parse(data.toString('utf8'));
          if (Array.isArray(names) && names.every((name) => typeof name === 'string')) return names as string[];
        } catch {
          // Not a list this cache wrote: treated as unknown, as an undecodable entry is.
        }
        this.undecodable(storedKey, new CacheDecodeError('not a learned Vary list'));
        return undefined;
      });
  }

  /**
   * Reads one variant; the tags the route names are read in the same round trip. The entry is usable only when
   * it was keyed with `names` and was computed under the current token of each of those tags (no more, no fewer).
   */
  read(entryKey: string, names: readonly string[], tags: readonly string[], guard: StoreGuard): Promise<PageRead> {
    const { store, keys } = this.context;
    const storedKey = keys.entry(entryKey);
    if (tags.length === 0) {
      return guard
        .run(OPERATION, () => store.get(storedKey), nothing)
        .then((data) => this.outcome(storedKey, data, names, tags, []));
    }
    return guard
      .run(
        OPERATION,
        () => readWithTokens(this.context, storedKey, tags),
        (): [undefined, []] => [undefined, []],
      )
      .then(([data, tokens]) => this.outcome(storedKey, data, names, tags, tokens));
  }

  /**
   * Current tokens of the route's tags, taken before the handler runs; undefined when Redis is unreachable or a
   * tag's invalidation is pending (then the page is not stored).
   */
  captureTags(tags: readonly string[], guard: StoreGuard): Promise<Readonly<Record<string, string>> | undefined> {
    if (tags.length === 0) return Promise.resolve({});
    return guard
      .run(OPERATION, () => ensureTokens(this.context, tags), nothing)
      .then((tokens) => tokens && Object.fromEntries(tags.map((tag, i) => [tag, tokens[i]!])));
  }

  /**
   * Whether the tags still have these tokens (the page of a flight, for a request that joined it); undefined when
   * Redis cannot tell (the read met a fault). A tag pending invalidation here has no token: false.
   */
  tokensCurrent(tokens: Readonly<Record<string, string>>): Promise<boolean | undefined> {
    const tags = Object.keys(tokens);
    const guard = this.callGuard();
    return guard
      .run(OPERATION, () => readTokens(this.context, tags), nothing)
      .then((current) => (current === undefined ? undefined : tags.every((tag, i) => current[i] === tokens[tag])));
  }

  /** Where this process's sequence of tag invalidations stands now, for `invalidatedSince`. */
  get invalidationMark(): number {
    return this.context.pending.mark;
  }

  /** Whether this process invalidated one of `tags` after `mark` (the DEL landed or was queued). */
  invalidatedSince(tags: readonly string[], mark: number): boolean {
    return this.context.pending.invalidatedSince(tags, mark);
  }

  /** Whether tokens captured before the handler ran may still be stored (no tag went pending meanwhile). */
  tokensWritable(tags: readonly string[]): boolean {
    return stillWritable(this.context, tags);
  }

  /** Stores a variant and the page's Vary list in one round trip (pipelined on Redis); true when both were. */
  write(
    entryKey: string,
    varyKey: string,
    data: Buffer,
    names: readonly string[],
    ttl: number | null,
    guard: StoreGuard,
  ): Promise<boolean> {
    const { store, keys } = this.context;
    const entries: [string, Buffer][] = [
      [keys.entry(entryKey), data],
      [keys.entry(varyKey), Buffer.from(JSON.stringify(names), 'utf8')],
    ];
    return guard.run(
      OPERATION,
      () => store.setMany(entries, ttl).then((failed) => failed.length === 0),
      () => false,
    );
  }

  /** Takes the cross-process refresh lock of a variant (getOrSet's fill lock); the owner token, or undefined. */
  lock(entryKey: string, guard: CallGuard): Promise<string | undefined> {
    const { store, keys, options } = this.context;
    const token = newToken();
    const lockKey = keys.fill(keys.entry(entryKey));
    const sent = !guard.hasFaulted;
    return guard
      .run(
        OPERATION,
        () => store.acquireLock(lockKey, token, options.stampede.lockTtl * 1000),
        () => false,
      )
      .then((locked) => {
        // A SET NX that timed out may land when Redis resumes: released in the background (owner-checked).
        if (sent && guard.hasFaulted) void this.unlock(entryKey, token).catch(() => undefined);
        return locked ? token : undefined;
      });
  }

  unlock(entryKey: string, token: string): Promise<boolean> {
    const { guard, store, keys } = this.context;
    const lockKey = keys.fill(keys.entry(entryKey));
    return guard.run(
      OPERATION,
      () => store.releaseLock(lockKey, token),
      () => false,
    );
  }

  /** Deletes every variant of a page and its Vary list, under any key prefix (SCAN, never KEYS). */
  deletePage(idHash: string): Promise<number> {
    return this.cache.deletePattern(pagePattern(idHash));
  }

  private outcome(
    storedKey: string,
    data: Buffer | undefined,
    names: readonly string[],
    tags: readonly string[],
    tokens: readonly (string | undefined)[],
  ): PageRead {
    if (data === undefined) return MISSING;
    let entry: PageEntry;
    try {
      entry = decodePageEntry(data);
    } catch (error) {
      this.undecodable(storedKey, error);
      return MISSING;
    }
    if (!sameNames(entry.varyNames, names)) return MISSING;
    const entryTags = entry.tags ?? {};
    if (Object.keys(entryTags).length !== tags.length) return MISSING;
    if (!tags.every((tag, i) => tokens[i] !== undefined && entryTags[tag] === tokens[i])) return MISSING;
    const stale = entry.freshUntil !== null && Date.now() >= entry.freshUntil;
    return { status: stale ? 'stale' : 'fresh', entry };
  }

  private undecodable(storedKey: string, error: unknown): void {
    if (!(error instanceof CacheDecodeError)) throw error;
    this.context.stats.decodeErrors++;
    this.context.logger.warn(`Cache "${this.options.name}": treating ${storedKey} as a miss. ${error.message}`);
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}
