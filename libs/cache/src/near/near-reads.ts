import type { CacheEntry } from '../codec/cache-entry.js';
import type { CacheContext } from '../entries/cache-context.js';
import { isStale, type EntryIO, type ReadOutcome } from '../entries/entry-io.js';
import { CacheDecodeError } from '../errors/cache-decode.error.js';
import type { InProcessSizes } from '../in-process-sizes.js';
import type { ResolvedNearOptions } from './near-options.js';
import type { CacheCoherence } from './cache-coherence.js';
import type { GetOrSetOptions } from '../stampede/get-or-set-options.interface.js';
import type { Loader } from '../stampede/run-loader.js';
import { planGetOrSet } from '../stampede/get-or-set-plan.js';
import { MAX_REMEMBERED_EPOCHS } from './invalidation-epochs.js';
import { NearStore } from './near-store.js';

const NO_TAGS: readonly string[] = [];
const MISSING: ReadOutcome = { status: 'missing' };

/**
 * The read paths of `CacheService` (get, getMany, has, getOrSet's hits), with the near cache in front when the
 * cache has one. A near hit costs no Redis command: the encoded bytes are kept and decoded on each hit, so no two
 * callers share a mutable object. A near miss reads the value and its PTTL in one round trip and keeps the bytes
 * until the earliest of the Redis TTL, the entry's fresh time and the near `ttl`.
 */
export class EntryReads {
  private readonly near: NearStore<Buffer> | undefined;

  constructor(
    private readonly context: CacheContext,
    private readonly io: EntryIO,
    coherence: CacheCoherence,
    options: ResolvedNearOptions | undefined,
  ) {
    if (options) this.near = new NearStore(coherence.channel(), options);
  }

  /**
   * The read of one key: `fresh` with its entry, or not (a miss, stale, tag-invalidated, undecodable, or Redis
   * unreachable). Without a near cache it is the entry read itself, with no extra step on the hot path.
   */
  get(operation: string, storedKey: string): Promise<ReadOutcome> {
    if (!this.near) return this.io.read(operation, storedKey, NO_TAGS);
    return this.nearOrFill(operation, storedKey);
  }

  private async nearOrFill(operation: string, storedKey: string): Promise<ReadOutcome> {
    const entry = (await this.nearHit(storedKey)) ?? (await this.fill(operation, [storedKey]))[0];
    return entry ? { status: 'fresh', entry } : MISSING;
  }

  /** Fresh entries of many keys, in order (undefined where missing). */
  async getMany(storedKeys: readonly string[]): Promise<(CacheEntry | undefined)[]> {
    if (!this.near) {
      const { guard, store } = this.context;
      const data = await guard.run(
        'getMany',
        () => store.getMany(storedKeys),
        () => storedKeys.map(() => undefined),
      );
      return this.io.readMany('getMany', storedKeys, data);
    }
    const found = await Promise.all(storedKeys.map((key) => this.nearHit(key)));
    const missing = storedKeys.filter((_, i) => !found[i]);
    if (missing.length === 0) return found;
    const filled = await this.fill('getMany', missing);
    let next = 0;
    return found.map((entry) => entry ?? filled[next++]);
  }

  /**
   * A `getOrSet` served from the near cache, or from Redis and then kept near; undefined when it must go through
   * the stampede coordinator (a miss, a stale entry, `ttl: 0`, `earlyRefresh`, or no near cache). On a Redis miss
   * the coordinator reads the key again: one extra round trip before the loader runs.
   */
  getOrSetHit(
    key: string,
    loader: Loader<unknown>,
    options: GetOrSetOptions | undefined,
  ): Promise<CacheEntry | undefined> | undefined {
    // Synchronously undefined without a near cache: the coordinator's flight must start within the call, as
    // before, so that it is ordered with the caller's next invalidation.
    if (!this.near) return undefined;
    // Validates like the coordinator, so that a bad argument rejects before anything is read.
    const plan = planGetOrSet(this.context, key, loader, options === undefined ? {} : options);
    // XFetch decides on each read whether to refresh early: served from memory, it would never run.
    if (plan.beta !== undefined || plan.ttl === 0) return undefined;
    return this.nearOrRedis(plan.storedKey);
  }

  private async nearOrRedis(storedKey: string): Promise<CacheEntry | undefined> {
    // Quiet: an undecodable value is reported once, by the coordinator's own read.
    return (await this.nearHit(storedKey)) ?? (await this.fill('getOrSet', [storedKey], true))[0];
  }

  /** The near cache's entries and bytes with their bounds, and the invalidations it remembers for the fill race. */
  inProcessSizes(): InProcessSizes {
    if (!this.near) return {};
    const { size, bytes, bounds, rememberedInvalidations } = this.near;
    return {
      nearEntries: { size, max: bounds.maxEntries },
      nearBytes: { size: bytes, max: bounds.maxBytes },
      nearInvalidationEpochs: { size: rememberedInvalidations, max: 2 * MAX_REMEMBERED_EPOCHS },
    };
  }

  close(): void {
    this.near?.close();
  }

  private async nearHit(storedKey: string): Promise<CacheEntry | undefined> {
    const data = this.near!.get(storedKey);
    if (!data) return undefined;
    const decoded = this.context.serializer.deserialize(data);
    const entry = decoded instanceof Promise ? await decoded : decoded;
    this.context.stats.nearHits++;
    return entry;
  }

  /**
   * Reads keys and their PTTLs in one round trip, keeps the fresh ones near unless invalidated meanwhile.
   * `quiet` (one key): an undecodable value is a miss without a warning or a count.
   */
  private async fill(
    operation: string,
    storedKeys: readonly string[],
    quiet = false,
  ): Promise<(CacheEntry | undefined)[]> {
    const { guard, store, stats } = this.context;
    const near = this.near!;
    stats.nearMisses += storedKeys.length;
    const mark = near.mark;
    // PTTL counts from when Redis ran it, before the reply arrived: the local expiry counts from the send.
    const sentAt = performance.now();
    const [data, ttls] = await guard.run(
      operation,
      () =>
        Promise.all([
          storedKeys.length === 1 ? store.get(storedKeys[0]!).then((value) => [value]) : store.getMany(storedKeys),
          Promise.all(storedKeys.map((key) => store.ttl(key))),
        ]),
      () => [storedKeys.map(() => undefined), []] as [(Buffer | undefined)[], (number | null | undefined)[]],
    );
    const entries = quiet
      ? [await this.freshQuietly(operation, data[0])]
      : await this.io.readMany(operation, storedKeys, data);
    const now = Date.now();
    const elapsedMs = performance.now() - sentAt;
    entries.forEach((entry, i) => {
      const bytes = data[i];
      const pttl = ttls[i];
      if (!entry || !bytes || pttl === undefined) return;
      const redisMs = pttl === null ? Infinity : pttl - elapsedMs;
      const ttlMs = Math.min(redisMs, entry.freshUntil === undefined ? Infinity : entry.freshUntil - now);
      near.set(storedKeys[i]!, bytes, {
        bytes: bytes.length,
        tags: entry.tags ? Object.keys(entry.tags) : NO_TAGS,
        ttlMs: Number.isFinite(ttlMs) ? ttlMs : undefined,
        mark,
      });
    });
    return entries;
  }

  private async freshQuietly(operation: string, data: Buffer | undefined): Promise<CacheEntry | undefined> {
    if (!data) return undefined;
    let entry: CacheEntry;
    try {
      const decoded = this.context.serializer.deserialize(data);
      entry = decoded instanceof Promise ? await decoded : decoded;
    } catch (error) {
      if (error instanceof CacheDecodeError) return undefined;
      throw error;
    }
    if (isStale(entry)) return undefined;
    return !entry.tags || (await this.io.tokensCurrent(operation, entry.tags)) ? entry : undefined;
  }
}
