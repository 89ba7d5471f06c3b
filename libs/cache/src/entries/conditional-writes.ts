import type { EntryMeta } from '../codec/entry-serializer.js';
import type { StoreTtl } from '../store/cache-store.interface.js';
import type { CacheContext } from './cache-context.js';
import type { EntryIO } from './entry-io.js';
import { CacheDecodeError } from '../errors/cache-decode.error.js';

// Each retry means another writer changed the key between our read and our compare-and-set; its write wins.
const ATTEMPTS = 3;

/**
 * Writes that depend on what is stored, as read-modify-write with a compare-and-set, so that they agree with
 * `get`: `add` replaces an entry `get` would miss (tag-invalidated, past its fresh time, undecodable), and
 * `touch`/`persist`/`ttl` act on the fresh lifetime (`freshUntil`) of entries kept for stale-while-revalidate,
 * grace or early refresh, not only on the key's TTL. Store errors propagate: callers run under the fault guard.
 */
export class ConditionalWrites {
  constructor(
    private readonly context: CacheContext,
    private readonly io: EntryIO,
  ) {}

  /** SET NX, or a compare-and-set over an entry that is not fresh; true only when `data` was stored. */
  async add(storedKey: string, data: Buffer, ttl: StoreTtl): Promise<boolean> {
    const { store } = this.context;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (await store.add(storedKey, data, ttl)) return true;
      const current = await store.get(storedKey);
      // Expired or deleted since the SET NX: try it again.
      if (current === undefined) continue;
      if (await this.io.isFresh(storedKey, current)) return false;
      if (await store.compareAndSet(storedKey, current, data, ttl)) return true;
    }
    return false;
  }

  /**
   * New TTL for a fresh entry (`null` = never expires); false when it is missing or past its fresh time. An
   * entry with `freshUntil` becomes fresh for `ttl` and keeps its stale tail (SWR/grace) after that.
   */
  async touch(storedKey: string, ttl: StoreTtl): Promise<boolean> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const read = await this.read(storedKey);
      if (!read) return false;
      const { data, pttl, meta } = read;
      let replacement: Buffer | undefined;
      let storeTtl = ttl;
      if (meta.freshUntil !== undefined) {
        const now = Date.now();
        if (ttl === null) replacement = this.withoutFreshness(data, meta);
        else {
          const tailMs = pttl === null ? 0 : Math.max(0, pttl - (meta.freshUntil - now));
          replacement = this.context.serializer.withMeta(data, { ...meta, freshUntil: now + ttl * 1000 });
          storeTtl = ttl + tailMs / 1000;
        }
      }
      if (await this.context.store.compareAndSet(storedKey, data, replacement, storeTtl)) return true;
    }
    return false;
  }

  /** Makes a fresh entry never expire (and never go stale); true when it had a TTL. */
  async persist(storedKey: string): Promise<boolean> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const read = await this.read(storedKey);
      if (!read) return false;
      const { data, pttl, meta } = read;
      if (meta.freshUntil === undefined && pttl === null) return false;
      const replacement = meta.freshUntil === undefined ? undefined : this.withoutFreshness(data, meta);
      if (await this.context.store.compareAndSet(storedKey, data, replacement, null)) return true;
    }
    return false;
  }

  /** Fresh lifetime left in ms (the stale tail excluded); null when it never expires; undefined when missing. */
  async ttl(storedKey: string): Promise<number | null | undefined> {
    const read = await this.read(storedKey);
    if (!read) return undefined;
    const { pttl, meta } = read;
    if (meta.freshUntil === undefined) return pttl;
    const remaining = meta.freshUntil - Date.now();
    return pttl === null ? remaining : Math.min(pttl, remaining);
  }

  /**
   * The stored bytes, TTL and metadata of an entry that has not gone stale; undefined when missing or stale.
   * GET and PTTL go out together on one connection: one round trip.
   */
  private async read(storedKey: string): Promise<{ data: Buffer; pttl: number | null; meta: EntryMeta } | undefined> {
    const { store } = this.context;
    const [data, pttl] = await Promise.all([store.get(storedKey), store.ttl(storedKey)]);
    if (data === undefined || pttl === undefined) return undefined;
    const meta = this.metaOf(data);
    // Past its fresh time, `get` misses it: it is kept only for SWR/grace, and is not brought back to life.
    if (meta.freshUntil !== undefined && Date.now() >= meta.freshUntil) return undefined;
    return { data, pttl, meta };
  }

  private metaOf(data: Buffer): EntryMeta {
    try {
      return this.context.serializer.readMeta(data);
    } catch (error) {
      // Bytes Stash did not frame (a page, another codec's value) have no freshness to move: only the TTL.
      if (error instanceof CacheDecodeError) return {};
      throw error;
    }
  }

  private withoutFreshness(data: Buffer, meta: EntryMeta): Buffer {
    const { freshUntil, computeMs, ...rest } = meta;
    void freshUntil;
    void computeMs;
    return this.context.serializer.withMeta(data, rest);
  }
}
