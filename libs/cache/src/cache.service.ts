import type { Cluster, Redis } from 'ioredis';
import type { CacheStatsSnapshot } from './cache-stats.js';
import type {
  InvalidateTagsOptions,
  LockOptions,
  SetOptions,
  VersionOption,
} from './cache-service-options.interface.js';
import type { CacheContext } from './entries/cache-context.js';
import type { FragmentOptions, FragmentRender } from './fragments/fragment-options.interface.js';
import type { InProcessSizes } from './in-process-sizes.js';
import type { GetOrSetOptions } from './stampede/get-or-set-options.interface.js';
import type { Loader } from './stampede/run-loader.js';
import { ConditionalWrites } from './entries/conditional-writes.js';
import { EntryIO } from './entries/entry-io.js';
import { cacheFragment, invalidateFragment } from './fragments/cache-fragment.js';
import { resolveTtl } from './entries/resolve-ttl.js';
import { assertDelta, assertGlob, assertKeyList, assertRetry, assertTags } from './cache-arguments.js';
import { CacheArgumentError } from './errors/cache-argument.error.js';
import { CacheKeyMissingError } from './errors/cache-key-missing.error.js';
import type { CacheLock } from './lock/cache-lock.js';
import { acquireLock, runHoldingLock } from './lock/lock-acquisition.js';
import { GetOrSetCoordinator } from './stampede/get-or-set-coordinator.js';
import { CacheCoherence } from './near/cache-coherence.js';
import type { CoherenceChannel } from './near/coherence-channel.js';
import { EntryReads } from './near/near-reads.js';
import { CacheWrites } from './cache-writes.js';

/**
 * One cache: Django's low-level cache API plus django-redis's extras, tags and stampede-proof `getOrSet`.
 * Seconds everywhere. Reads fail open (a miss) and writes are skipped when Redis is unreachable and `failOpen`
 * is on; `incr`/`decr`, versions, locks and `invalidateTags` (unless retried) throw `CacheUnavailableError`.
 * With the `near` option, `get`, `getMany`, `has` and `getOrSet` hits are served from process memory when they can,
 * and every write tells the other processes what to drop (see `NearCacheOptions`).
 */
export class CacheService {
  private readonly io: EntryIO;
  private readonly coordinator: GetOrSetCoordinator;
  private readonly conditional: ConditionalWrites;
  private readonly coherence: CacheCoherence;
  private readonly reads: EntryReads;
  private readonly writes: CacheWrites;

  /** @internal Built by `CacheModule` or `createCache`. */
  constructor(private readonly context: CacheContext) {
    this.io = new EntryIO(context);
    this.coordinator = new GetOrSetCoordinator(context);
    this.conditional = new ConditionalWrites(context, this.io);
    this.coherence = new CacheCoherence(context, context.options.near);
    this.reads = new EntryReads(context, this.io, this.coherence, context.options.near);
    this.writes = new CacheWrites(context, this.io, this.conditional, this.coherence, this.reads);
  }

  /**
   * @internal The cache's coherence channel (opened on first call when the cache has no near cache), for Stash's
   * page micro-cache: register a `NearStore` on it, publish what page writes invalidate.
   */
  coherenceChannel(): CoherenceChannel {
    return this.coherence.channel();
  }

  /** @internal The parts of this cache, for Stash's page cache (raw page bytes, known tags, fill locks). */
  get internals(): CacheContext {
    return this.context;
  }

  /** The cache's name (`default` for the injected `CacheService`). */
  get name(): string {
    return this.context.options.name;
  }

  /**
   * The cache's own ioredis client (`Redis`, or `Cluster`), for the Redis commands Stash does not wrap; undefined on
   * the `memory` and `dummy` stores. It has no offline queue, and its ioredis `commandTimeout` is only a safety net
   * (ten times the cache's): bound each command with `withinCommandTimeout`. Commands sent on it bypass Stash: no key
   * prefix, version or codec, no fail-open, no circuit breaker, no fault counting. It may be shared with other caches
   * of the same server, and is closed with the cache (a `client` passed in options stays yours): never `quit()` it.
   * @example const views = await withinCommandTimeout(cache.client!.zincrby('shop-views', 1, productId), 500);
   */
  get client(): Redis | Cluster | undefined {
    return this.context.client;
  }

  /** Returns the value, or `fallback` on a miss. A stored `null` is returned as `null`. */
  async get<T = unknown>(key: string, fallback?: T, options?: VersionOption): Promise<T | undefined> {
    const outcome = await this.reads.get('get', this.context.keys.entry(key, options?.version));
    if (outcome.status !== 'fresh') {
      this.context.stats.misses++;
      return fallback;
    }
    this.context.stats.hits++;
    return outcome.entry.value as T;
  }

  /**
   * Stores a value for `ttl` seconds (`undefined` = default, `null` = forever, `0` = delete it). Tag tokens are
   * taken now, at write time: for a value read from a database, `getOrSet` (tokens taken before the loader) is
   * race-free where `set` is not.
   * @throws CacheKeyError, CacheSerializationError, CacheValueTooLargeError, CacheTtlError before anything is written.
   */
  async set(key: string, value: unknown, ttl?: number | null, options?: SetOptions): Promise<void> {
    return this.writes.set(key, value, ttl, options);
  }

  /**
   * Stores the value only if `get` would miss the key (atomically): absent, expired, past its fresh time,
   * tag-invalidated or undecodable. True only when it was stored.
   */
  async add(key: string, value: unknown, ttl?: number | null, options?: SetOptions): Promise<boolean> {
    return this.writes.add(key, value, ttl, options);
  }

  /**
   * Returns the cached value, or runs `loader`, stores and returns its result. Concurrent callers share one
   * loader run (per process, and across processes through a short Redis lock). A loader error reaches every
   * waiting caller and nothing is cached, unless a `grace` value may be served.
   */
  async getOrSet<T>(key: string, loader: Loader<T>, options?: GetOrSetOptions): Promise<T> {
    // async, so that a bad key or option rejects like every other method instead of throwing at the call.
    const read = this.reads.getOrSetHit(key, loader, options);
    const near = read && (await read);
    if (!near) return this.coordinator.run(key, loader, options);
    this.context.stats.hits++;
    return near.value as T;
  }

  /** Returns the found keys and their values (missing keys are absent from the map). */
  async getMany<T = unknown>(keys: readonly string[], options?: VersionOption): Promise<Map<string, T>> {
    const { keys: layout, stats } = this.context;
    const storedKeys = assertKeyList('getMany', keys).map((key) => layout.entry(key, options?.version));
    const entries = await this.reads.getMany(storedKeys);
    const found = new Map<string, T>();
    entries.forEach((entry, i) => {
      if (entry) found.set(keys[i]!, entry.value as T);
    });
    stats.hits += found.size;
    stats.misses += keys.length - found.size;
    return found;
  }

  /**
   * Stores many values with one TTL; returns the keys that could not be stored. Every value is encoded
   * before anything is written, so a bad value stores nothing.
   */
  async setMany(
    entries: Record<string, unknown> | Iterable<readonly [string, unknown]>,
    ttl?: number | null,
    options?: SetOptions,
  ): Promise<string[]> {
    return this.writes.setMany(entries, ttl, options);
  }

  /** Deletes a key; true when it existed. */
  async delete(key: string, options?: VersionOption): Promise<boolean> {
    return this.writes.delete(key, options);
  }

  /** Deletes many keys; returns how many existed. */
  async deleteMany(keys: readonly string[], options?: VersionOption): Promise<number> {
    return this.writes.deleteMany(keys, options);
  }

  /** True when `get` would return a value (expired, stale and tag-invalidated entries count as absent). */
  async has(key: string, options?: VersionOption): Promise<boolean> {
    return (await this.reads.get('has', this.context.keys.entry(key, options?.version))).status === 'fresh';
  }

  /**
   * Sets a new TTL (seconds; default TTL when omitted, `null` = forever, `0` = delete); true when the key existed.
   * An entry kept for stale-while-revalidate or grace becomes fresh for the new TTL (its stale tail follows);
   * one already past its fresh time counts as missing, as for `get`.
   */
  async touch(key: string, ttl?: number | null, options?: VersionOption): Promise<boolean> {
    const { keys, guard, options: cache } = this.context;
    const seconds = resolveTtl(ttl, cache.defaultTtl);
    if (seconds === 0) return this.delete(key, options);
    const storedKey = keys.entry(key, options?.version);
    return this.coherence.afterKeys([storedKey], () =>
      guard.run(
        'touch',
        () => this.conditional.touch(storedKey, seconds),
        () => false,
      ),
    );
  }

  /**
   * Atomically adds `delta` to an integer value and returns the result.
   * @throws CacheKeyMissingError when the key is missing; CacheValueError when the value is not an integer.
   */
  async incr(key: string, delta = 1, options?: VersionOption): Promise<number> {
    assertDelta('incr', delta);
    const { keys, guard, store } = this.context;
    const storedKey = keys.entry(key, options?.version);
    const value = await this.coherence.afterKeys([storedKey], () =>
      guard.runStrict('incr', () => store.incr(storedKey, delta)),
    );
    if (value === undefined) throw new CacheKeyMissingError(key);
    return value;
  }

  /** `incr` with `-delta`. */
  async decr(key: string, delta = 1, options?: VersionOption): Promise<number> {
    // Checked before negating: -'1' and -null would otherwise pass as valid deltas.
    return this.incr(key, -assertDelta('decr', delta), options);
  }

  /**
   * Moves a key's value (and TTL) to version + delta and returns the new version, as Django's `incr_version`.
   * @throws CacheKeyMissingError when the key is missing at that version.
   */
  async incrVersion(key: string, delta = 1, options?: VersionOption): Promise<number> {
    assertDelta('incrVersion', delta);
    const { keys, guard, store, options: cache } = this.context;
    const version = options?.version ?? cache.version;
    const next = version + delta;
    const from = keys.entry(key, version);
    const to = keys.entry(key, next);
    const moved = await this.coherence.afterAll(() => guard.runStrict('incrVersion', () => store.rename(from, to)));
    if (!moved) throw new CacheKeyMissingError(key);
    return next;
  }

  /** `incrVersion` with `-delta`. */
  async decrVersion(key: string, delta = 1, options?: VersionOption): Promise<number> {
    return this.incrVersion(key, -assertDelta('decrVersion', delta), options);
  }

  /** Deletes every key of this cache (SCAN on its prefix; never FLUSHDB, never another prefix's keys). */
  async clear(): Promise<number> {
    const { keys, guard, store } = this.context;
    return this.coherence.afterAll(() =>
      guard.run(
        'clear',
        () => store.clear(keys.everything()),
        () => 0,
      ),
    );
  }

  /**
   * Remaining fresh lifetime in seconds (rounded up; the stale tail of an SWR/grace entry excluded); `null` when
   * the key never expires; 0 when it is missing or past its fresh time.
   */
  async ttl(key: string, options?: VersionOption): Promise<number | null> {
    const storedKey = this.context.keys.entry(key, options?.version);
    const ms = await this.context.guard.run(
      'ttl',
      () => this.conditional.ttl(storedKey),
      () => undefined,
    );
    if (ms === undefined) return 0;
    return ms === null ? null : Math.ceil(ms / 1000);
  }

  /** Sets the key's TTL in seconds (`null` = forever, `0` = delete); true when the key existed. */
  async expire(key: string, ttl: number | null, options?: VersionOption): Promise<boolean> {
    if (ttl === undefined) throw new CacheArgumentError('expire', 'ttl', ttl, 'seconds, or null for never');
    return this.touch(key, ttl, options);
  }

  /** Removes the key's TTL (an SWR/grace entry becomes fresh for good); true when it had one. */
  async persist(key: string, options?: VersionOption): Promise<boolean> {
    const storedKey = this.context.keys.entry(key, options?.version);
    return this.coherence.afterKeys([storedKey], () =>
      this.context.guard.run(
        'persist',
        () => this.conditional.persist(storedKey),
        () => false,
      ),
    );
  }

  /**
   * Deletes the entries of this cache matching a glob (SCAN, never KEYS); returns how many. Stash's own keys
   * (tag tokens, locks, fill locks) are never matched.
   */
  async deletePattern(glob: string, options?: VersionOption): Promise<number> {
    const { keys } = this.context;
    const pattern = keys.pattern(assertGlob(glob), options?.version);
    const count = await this.coherence.afterAll(() =>
      this.context.guard.run(
        'deletePattern',
        () => this.context.store.clear(pattern, keys.reserved()),
        () => 0,
      ),
    );
    this.context.stats.deletes += count;
    return count;
  }

  /**
   * Yields the keys of this cache's entries matching a glob (SCAN, never KEYS): user keys with the default key
   * function, stored keys under a custom `keyFunction` (which cannot be inverted). Stash's own keys are never
   * yielded. Throws when Redis is unreachable.
   */
  async *iterKeys(glob: string, options?: VersionOption): AsyncIterable<string> {
    const { keys, store, guard } = this.context;
    const pattern = keys.pattern(assertGlob(glob), options?.version);
    const iterator = store.scan(pattern)[Symbol.asyncIterator]();
    for (;;) {
      const batch = await guard.runStrict('iterKeys', () => iterator.next());
      if (batch.done) return;
      for (const storedKey of batch.value) {
        if (!keys.isReserved(storedKey)) yield keys.userKey(storedKey, options?.version);
      }
    }
  }

  /**
   * Makes every entry carrying one of `tags` miss from now on, including values whose loader is still running.
   * With `{ retry: true }`, a connectivity fault does not throw: the tags are queued in this process and retried
   * (50 ms doubling to 1 s) until the invalidation lands, and this process treats them as invalidated meanwhile
   * (see `stats().invalidationsPending`). Other processes may serve their entries until the retry lands.
   * @throws CacheUnavailableError when Redis is unreachable and `retry` is off: a lost invalidation would serve
   *   stale data. CacheKeyError for a bad tag (nothing is deleted); other Redis errors always.
   * @example await cache.invalidateTags(['recipes', `recipe:${id}`], { retry: true })
   */
  async invalidateTags(tags: readonly string[], options?: InvalidateTagsOptions): Promise<void> {
    const checked = assertTags('invalidateTags', tags, true) as readonly string[];
    const retry = assertRetry(options?.retry);
    checked.forEach((tag) => this.context.keys.tag(tag));
    await this.coherence.afterTags(checked, () => this.context.pending.invalidate(checked, retry));
  }

  /**
   * Acquires a distributed lock, waiting up to `blockingTimeout` seconds.
   * @throws CacheLockError when not acquired in time; CacheUnavailableError when Redis is unreachable.
   */
  lock(name: string, options: LockOptions = {}): Promise<CacheLock> {
    return acquireLock(this.context, name, options);
  }

  /**
   * Runs `task` while holding the lock `name`, and releases it afterwards.
   * @throws the task's own error when it fails (a failed release is then logged as a warning, not thrown);
   *   CacheLockError when the task succeeded but the lock expired before the release; CacheArgumentError when
   *   `task` is not a function (before the lock is taken).
   */
  async withLock<T>(name: string, task: () => T | Promise<T>, options?: LockOptions): Promise<T> {
    if (typeof task !== 'function') throw new CacheArgumentError('withLock', 'task', task, 'a function');
    return runHoldingLock(this.context, await this.lock(name, options), task);
  }

  /**
   * Resolves true once the store is connected, false if it is not within `timeoutMs` (the cache still works
   * then: it fails open until Redis answers).
   */
  ready(timeoutMs = 2_000): Promise<boolean> {
    return this.context.store.ready(timeoutMs);
  }

  /** Counters since start, and the circuit breaker's state. */
  stats(): CacheStatsSnapshot {
    return this.context.stats.snapshot(this.context.guard.breaker.state);
  }

  /**
   * Sizes and bounds of the maps this cache keeps in process memory, to watch memory under load (the names are
   * listed with {@link InProcessSizes}); the Redis store keeps nothing in process.
   * @example expect(cache.inProcessSizes().memoryEntries).toEqual({ size: 2, max: 10_000 })
   */
  inProcessSizes(): InProcessSizes {
    return {
      ...this.coordinator.inProcessSizes(),
      ...this.context.pending.inProcessSizes(),
      ...this.context.store.inProcessSizes(),
      ...this.reads.inProcessSizes(),
    };
  }

  /**
   * Aborts background refreshes (their loaders' signals), waits for them to settle for at most 5 s, makes one
   * last attempt (bounded by `commandTimeout`) at queued tag invalidations and logs an error naming any still
   * pending (they are lost), then releases the connection (quit when no other cache shares it).
   */
  async close(): Promise<void> {
    await this.coordinator.drain();
    await this.context.pending.close();
    this.reads.close();
    await this.coherence.close();
    await this.context.store.close();
  }

  /**
   * Returns the cached text of a template fragment, or renders, stores and returns it (Django's `{% cache %}`),
   * through `getOrSet`, so concurrent misses render once. Keyed by {@link fragmentKey}:
   * `template.cache.<name>.<hash of varyOn>`. A render error is not cached.
   * @param name the fragment's name.
   * @param varyOn the values the fragment depends on (`[user.id]`); `undefined` = none.
   * @param ttl seconds; `undefined` = the cache's `defaultTtl`, `null` = never expires, `0` = render without storing.
   * @param render produces the fragment text on a miss.
   * @param options `tags` the fragment depends on.
   * @throws CacheKeyArgumentError when a vary-on value cannot be keyed (function, symbol, cycle, class instance).
   * @throws CacheTtlError, CacheArgumentError for a bad TTL, name or render; nothing is rendered then.
   * @example await cache.fragment('sidebar', [user.id], 500, () => liquid.renderFile('sidebar', { user }))
   */
  async fragment(
    name: string,
    varyOn: readonly unknown[] | undefined,
    ttl: number | null | undefined,
    render: FragmentRender,
    options?: FragmentOptions,
  ): Promise<string> {
    return cacheFragment(this, name, varyOn, ttl, render, options);
  }

  /**
   * Deletes one cached fragment (Django's `cache.delete(make_template_fragment_key(name, vary_on))`).
   * @returns true when it was cached.
   */
  async invalidateFragment(name: string, varyOn?: readonly unknown[]): Promise<boolean> {
    return invalidateFragment(this, name, varyOn);
  }
}
