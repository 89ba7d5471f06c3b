import { pageEntryKey, pageKeys, varyHash, type PageKeys } from '../keys/page-key.js';
import type { PageEntry } from './page-entry.js';
import { memoKey, PageFill, type FillLinks, type PageRequest } from './page-fill.js';
import type { Flight, PageRead, PageStore, Shared } from './page-store.js';
import type { VaryMemo } from './vary-memo.js';

/** What a lookup decided: serve a stored page (fresh or stale), or run the handler and fill. @internal */
export type PageLookup =
  | { readonly status: 'hit' | 'stale'; readonly entry: PageEntry }
  | { readonly status: 'miss'; readonly fill: PageFill };

const NO_NAMES: readonly string[] = [];

/**
 * Finds the page for a request: one read, shared by the requests of this process that want the same variant at
 * the same time; one handler run per cold variant, the others waiting for its page (at most
 * `stampede.lockWait`); a stale page served while one request (per cluster, through the fill lock) refreshes it.
 * @internal
 */
export class PageLookups {
  constructor(private readonly memo: VaryMemo) {}

  /** Finds the page for a request in `store`, or hands the request a fill. */
  find(store: PageStore, request: PageRequest): Promise<PageLookup> {
    const keys = pageKeys(request.identity, request.keyPrefix);
    const memoized = this.memo.get(memoKey(request.cache, keys.varyKey));
    if (memoized) return this.lookupWith(store, request, keys, memoized);
    return this.learn(store, request.cache, keys.varyKey).then((learned) =>
      // A fill may have completed while the list was read: its names win over the older read.
      this.lookupWith(store, request, keys, this.memo.get(memoKey(request.cache, keys.varyKey)) ?? learned),
    );
  }

  private lookupWith(
    store: PageStore,
    request: PageRequest,
    keys: PageKeys,
    names: readonly string[] | undefined,
  ): Promise<PageLookup> {
    // Nothing can be stored for an authorized request unless the response varied on Authorization.
    const readable = names !== undefined && (!request.authorized || names.includes('authorization'));
    const used = names ?? NO_NAMES;
    const entryKey = pageEntryKey(keys.idHash, request.keyPrefix, 'GET', varyHash(used, request.headers));
    const flight = store.flights.get(entryKey);
    if (flight) return this.join(store, request, keys, flight);
    const read: Promise<PageRead> = readable
      ? store.read(entryKey, used, request.tags)
      : Promise.resolve({ status: 'missing' });
    // HEAD responses carry no body to store, so a HEAD never leads a flight that others would wait on.
    if (request.method === 'HEAD') {
      return read.then((outcome) => this.served(store, outcome, request) ?? this.fill(store, request, keys));
    }
    const leader = newFlight();
    store.flights.set(entryKey, leader);
    return read.then(
      (outcome) => this.lead(store, request, keys, entryKey, leader, outcome),
      (error: unknown) => {
        this.settle(store, entryKey, leader);
        throw error;
      },
    );
  }

  private lead(
    store: PageStore,
    request: PageRequest,
    keys: PageKeys,
    entryKey: string,
    flight: Flight,
    outcome: PageRead,
  ): PageLookup | Promise<PageLookup> {
    if (outcome.status === 'fresh') {
      flight.resolve({ entry: outcome.entry, entryKey, stale: false });
      this.settle(store, entryKey, flight);
      store.stats.hits++;
      return { status: 'hit', entry: outcome.entry };
    }
    if (outcome.status === 'stale' && staleServable(outcome.entry, request)) {
      flight.resolve({ entry: outcome.entry, entryKey, stale: true });
      this.settle(store, entryKey, flight);
      return this.refreshOrServeStale(store, request, keys, entryKey, outcome.entry);
    }
    flight.timer = setTimeout(() => flight.resolve(undefined), store.options.stampede.lockWait * 1000);
    flight.timer.unref();
    return this.fill(store, request, keys, { flight: { key: entryKey, flight } });
  }

  /** One request (per process, and per cluster through the fill lock) refreshes; the others get the stale page. */
  private refreshOrServeStale(
    store: PageStore,
    request: PageRequest,
    keys: PageKeys,
    entryKey: string,
    entry: PageEntry,
  ): PageLookup | Promise<PageLookup> {
    const stale = (): PageLookup => {
      store.stats.staleServes++;
      return { status: 'stale', entry };
    };
    if (store.refreshing.has(entryKey)) return stale();
    store.refreshing.add(entryKey);
    return store.lock(entryKey).then(
      (token) => {
        if (token === undefined) {
          store.refreshing.delete(entryKey);
          return stale();
        }
        return this.fill(store, request, keys, { refresh: { key: entryKey, token } });
      },
      (error: unknown) => {
        store.refreshing.delete(entryKey);
        throw error;
      },
    );
  }

  private join(store: PageStore, request: PageRequest, keys: PageKeys, flight: Flight): Promise<PageLookup> {
    return flight.promise.then((shared) => {
      if (shared && applies(shared, request, keys)) {
        if (shared.stale) store.stats.staleServes++;
        else store.stats.hits++;
        return { status: shared.stale ? 'stale' : 'hit', entry: shared.entry };
      }
      // The page the flight produced is another variant, or none: this request computes its own.
      return this.fill(store, request, keys);
    });
  }

  private served(store: PageStore, outcome: PageRead, request: PageRequest): PageLookup | undefined {
    if (outcome.status === 'fresh') {
      store.stats.hits++;
      return { status: 'hit', entry: outcome.entry };
    }
    if (outcome.status === 'stale' && staleServable(outcome.entry, request)) {
      store.stats.staleServes++;
      return { status: 'stale', entry: outcome.entry };
    }
    return undefined;
  }

  /** A miss: the tag tokens are taken before the handler runs, so an invalidation during it is never lost. */
  private fill(store: PageStore, request: PageRequest, keys: PageKeys, links?: FillLinks): Promise<PageLookup> {
    store.stats.misses++;
    // Deferred, so that a bad tag (thrown while building its key) still settles the flight below.
    return Promise.resolve(request.tags)
      .then((tags) => store.captureTags(tags))
      .then(
        (tokens): PageLookup => ({
          status: 'miss',
          fill: new PageFill(store, this.memo, request, keys, tokens, links),
        }),
        (error: unknown) => {
          new PageFill(store, this.memo, request, keys, undefined, links).abandon();
          throw error;
        },
      );
  }

  private learn(store: PageStore, cache: string, varyKey: string): Promise<readonly string[] | undefined> {
    const key = memoKey(cache, varyKey);
    let learning = store.learning.get(key);
    if (!learning) {
      learning = store.readVaryNames(varyKey).then((names) => {
        if (names) this.memo.set(key, names);
        return names;
      });
      const pending = learning;
      void pending.finally(() => store.learning.delete(key)).catch(() => undefined);
      store.learning.set(key, pending);
    }
    return learning;
  }

  private settle(store: PageStore, entryKey: string, flight: Flight): void {
    flight.resolve(undefined);
    if (store.flights.get(entryKey) === flight) store.flights.delete(entryKey);
  }
}

function newFlight(): Flight {
  let resolve!: (shared: Shared | undefined) => void;
  const promise = new Promise<Shared | undefined>((done) => (resolve = done));
  return { promise, resolve };
}

function staleServable(entry: PageEntry, request: PageRequest): boolean {
  return entry.freshUntil !== null && Date.now() < entry.freshUntil + request.staleWhileRevalidate * 1000;
}

/** A page another request produced serves this one only under the same key for the page's own Vary names. */
function applies(shared: Shared, request: PageRequest, keys: PageKeys): boolean {
  const { varyNames } = shared.entry;
  if (request.authorized && !varyNames.includes('authorization')) return false;
  return shared.entryKey === pageEntryKey(keys.idHash, request.keyPrefix, 'GET', varyHash(varyNames, request.headers));
}
