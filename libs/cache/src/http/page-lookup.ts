import type { CallGuard } from '../faults/call-guard.js';
import { pageEntryKey, pageKeys, varyHash, type PageKeys } from '../keys/page-key.js';
import type { PageEntry } from './page-entry.js';
import { memoKey, PageFill, type FillLinks, type PageRequest } from './page-fill.js';
import type { Flight, LearnedVary, PageRead, PageStore, Shared } from './page-store.js';
import type { VaryMemo } from './vary-memo.js';

/** What a lookup decided: serve a stored page (fresh or stale), or run the handler and fill. @internal */
export type PageLookup =
  | { readonly status: 'hit' | 'stale'; readonly entry: PageEntry }
  | { readonly status: 'miss'; readonly fill: PageFill };

const NO_NAMES: readonly string[] = [];

/** One check of a flight's page tokens, usable by the requests that joined the flight before it was sent. */
interface TokenCheck {
  readonly sentAfter: number;
  readonly current: Promise<boolean | undefined>;
}

/**
 * Finds the page for a request: one read, shared by the requests of this process that want the same variant at
 * the same time; one handler run per cold variant, the others waiting for its page (at most
 * `stampede.lockWait`); a stale page served while one request (per cluster, through the fill lock) refreshes it.
 * Each request's commands go through its own `CallGuard`: after the first fault (its own, or one met by the read
 * or flight it waited for) it sends nothing more, runs the handler, and stores nothing; a flight whose leader
 * faulted is given up at once, so that its waiters do not wait for a page that will not come.
 * @internal
 */
export class PageLookups {
  // Orders joins and token checks: a check sent after a request joined also covers the invalidations made before.
  private joins = 0;
  private readonly checks = new WeakMap<Flight, TokenCheck>();
  // Where the process's invalidations stood when each flight started, for joiners whose token check faulted.
  private readonly marks = new WeakMap<Flight, number>();

  constructor(private readonly memo: VaryMemo) {}

  /** Finds the page for a request in `store`, or hands the request a fill. */
  find(store: PageStore, request: PageRequest): Promise<PageLookup> {
    const keys = pageKeys(request.identity, request.keyPrefix);
    const guard = store.callGuard();
    const memoized = this.memo.get(memoKey(request.cache, keys.varyKey));
    if (memoized) return this.lookupWith(store, request, keys, memoized, guard);
    return this.learn(store, request.cache, keys.varyKey).then((learned) => {
      if (learned.faulted) guard.fault();
      // A fill may have completed while the list was read: its names win over the older read.
      const names = this.memo.get(memoKey(request.cache, keys.varyKey)) ?? learned.names;
      return this.lookupWith(store, request, keys, names, guard);
    });
  }

  private lookupWith(
    store: PageStore,
    request: PageRequest,
    keys: PageKeys,
    names: readonly string[] | undefined,
    guard: CallGuard,
    mayRetry = true,
  ): Promise<PageLookup> {
    // Nothing can be stored for an authorized request unless the response varied on Authorization.
    const readable = names !== undefined && (!request.authorized || names.includes('authorization'));
    const used = names ?? NO_NAMES;
    const entryKey = pageEntryKey(keys.idHash, request.keyPrefix, 'GET', varyHash(used, request.headers));
    const flight = store.flights.get(entryKey);
    if (flight) return this.join(store, request, keys, flight, guard, mayRetry);
    // After a fault (reading the Vary list) nothing is read or stored: no page for other requests to wait for.
    if (guard.hasFaulted) return this.fill(store, request, keys, guard);
    const read: Promise<PageRead> = readable
      ? store.read(entryKey, used, request.tags, guard)
      : Promise.resolve({ status: 'missing' });
    // HEAD responses carry no body to store, so a HEAD never leads a flight that others would wait on.
    if (request.method === 'HEAD') {
      return read.then((outcome) => this.served(store, outcome, request) ?? this.fill(store, request, keys, guard));
    }
    const leader = newFlight();
    this.marks.set(leader, store.invalidationMark);
    store.flights.set(entryKey, leader);
    return read.then(
      (outcome) => this.lead(store, request, keys, entryKey, leader, outcome, guard),
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
    guard: CallGuard,
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
      return this.refreshOrServeStale(store, request, keys, entryKey, outcome.entry, guard);
    }
    flight.timer = setTimeout(() => flight.resolve(undefined), store.options.stampede.lockWait * 1000);
    flight.timer.unref();
    return this.fill(store, request, keys, guard, { flight: { key: entryKey, flight } });
  }

  /** One request (per process, and per cluster through the fill lock) refreshes; the others get the stale page. */
  private refreshOrServeStale(
    store: PageStore,
    request: PageRequest,
    keys: PageKeys,
    entryKey: string,
    entry: PageEntry,
    guard: CallGuard,
  ): PageLookup | Promise<PageLookup> {
    const stale = (): PageLookup => {
      store.stats.staleServes++;
      return { status: 'stale', entry };
    };
    if (store.refreshing.has(entryKey)) return stale();
    store.refreshing.add(entryKey);
    return store.lock(entryKey, guard).then(
      (token) => {
        if (token === undefined) {
          store.refreshing.delete(entryKey);
          return stale();
        }
        return this.fill(store, request, keys, guard, { refresh: { key: entryKey, token } });
      },
      (error: unknown) => {
        store.refreshing.delete(entryKey);
        throw error;
      },
    );
  }

  private join(
    store: PageStore,
    request: PageRequest,
    keys: PageKeys,
    flight: Flight,
    guard: CallGuard,
    mayRetry = true,
  ): Promise<PageLookup> {
    const joined = ++this.joins;
    return flight.promise.then(async (shared) => {
      if (shared && applies(shared, request, keys)) {
        // The flight took its tokens before this request arrived: an invalidation in between must not be missed.
        const current = await this.tokensCurrent(store, flight, shared, joined);
        if (current === false) {
          if (!mayRetry) return this.fill(store, request, keys, guard);
          // Looked up again without this flight: the requests it outdated share one new flight, not one each.
          if (store.flights.get(shared.entryKey) === flight) store.flights.delete(shared.entryKey);
          return this.lookupWith(store, request, keys, shared.entry.varyNames, guard, false);
        }
        if (current === undefined && store.invalidatedSince(request.tags, this.marks.get(flight) ?? -1)) {
          // Redis cannot tell, and this process invalidated one of the tags since the flight started: computed
          // again, without Redis (the check's fault says it is unreachable).
          guard.fault();
          return this.fill(store, request, keys, guard);
        }
        if (shared.stale) store.stats.staleServes++;
        else store.stats.hits++;
        return { status: shared.stale ? 'stale' : 'hit', entry: shared.entry };
      }
      if (flight.faulted) guard.fault();
      // The page the flight produced is another variant, or none: this request computes its own.
      return this.fill(store, request, keys, guard);
    });
  }

  /**
   * Whether the shared page's tags still have its tokens, for a request that joined at `joined`: one read of the
   * tokens per flight serves every request that had joined before it was sent (a burst of joiners costs one
   * MGET); a request that joins later (the flight stays open until its page is written) sends another.
   */
  private tokensCurrent(
    store: PageStore,
    flight: Flight,
    shared: Shared,
    joined: number,
  ): Promise<boolean | undefined> {
    const tokens = shared.entry.tags;
    if (tokens === undefined || Object.keys(tokens).length === 0) return Promise.resolve(true);
    const sent = this.checks.get(flight);
    if (sent && sent.sentAfter > joined) return sent.current;
    const check = { sentAfter: ++this.joins, current: store.tokensCurrent(tokens) };
    this.checks.set(flight, check);
    return check.current;
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
  private fill(
    store: PageStore,
    request: PageRequest,
    keys: PageKeys,
    guard: CallGuard,
    links: FillLinks = {},
  ): Promise<PageLookup> {
    store.stats.misses++;
    // Deferred, so that a bad tag (thrown while building its key) still settles the flight below.
    return Promise.resolve(request.tags)
      .then((tags) => store.captureTags(tags, guard))
      .then(
        (tokens): PageLookup => {
          if (guard.hasFaulted && links.flight) {
            // Nothing will be stored: the requests waiting for this page would wait for nothing.
            this.giveUp(store, links.flight.key, links.flight.flight);
            links = links.refresh ? { refresh: links.refresh } : {};
          }
          return { status: 'miss', fill: new PageFill(store, this.memo, request, keys, tokens, guard, links) };
        },
        (error: unknown) => {
          new PageFill(store, this.memo, request, keys, undefined, guard, links).abandon();
          throw error;
        },
      );
  }

  private learn(store: PageStore, cache: string, varyKey: string): Promise<LearnedVary> {
    const key = memoKey(cache, varyKey);
    let learning = store.learning.get(key);
    if (!learning) {
      // A guard of its own: the read is shared, and each request that waits for it takes on its fault.
      const guard = store.callGuard();
      learning = store.readVaryNames(varyKey, guard).then((names) => {
        if (names) this.memo.set(key, names);
        return { names, faulted: guard.hasFaulted };
      });
      const pending = learning;
      void pending.finally(() => store.learning.delete(key)).catch(() => undefined);
      store.learning.set(key, pending);
    }
    return learning;
  }

  /** Settles the flight of a request that met a fault: its waiters compute their own pages, without Redis. */
  private giveUp(store: PageStore, entryKey: string, flight: Flight): void {
    clearTimeout(flight.timer);
    flight.faulted = true;
    this.settle(store, entryKey, flight);
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
