import type { CoherenceChannel, CoherenceListener } from './coherence-channel.js';
import { InvalidationEpochs } from './invalidation-epochs.js';

/** Bounds of a near store. */
export interface NearStoreBounds {
  readonly maxEntries: number;
  /** Bytes of keys (UTF-8) plus the `bytes` given with each value. */
  readonly maxBytes: number;
  /** Longest an entry is served, in ms, whatever the `ttlMs` it was put with. */
  readonly ttlMs: number;
}

/** How one value is put in a near store. */
export interface NearPut {
  /** The value's size in bytes, counted against `maxBytes`. */
  readonly bytes: number;
  /** Names whose invalidation drops the entry. */
  readonly tags?: readonly string[];
  /** The entry's own lifetime in ms (capped by the store's `ttlMs`); the cap when omitted. */
  readonly ttlMs?: number;
  /** `store.mark` taken before the value was read: the put is refused if an invalidation arrived since. */
  readonly mark: number;
}

interface NearEntry<V> {
  readonly value: V;
  readonly size: number;
  readonly tags: readonly string[];
  /** `performance.now()` after which the entry is gone. */
  readonly expiresAt: number;
}

/**
 * An in-process LRU map bounded by entries and bytes, with tags and a local expiry, kept coherent through a
 * cache's `CoherenceChannel`: it drops what the channel names, serves nothing while the channel is not live,
 * and refuses a value read before an invalidation that arrived while it was being read (see `NearPut.mark`).
 * Generic over the value: the near cache keeps encoded entries, the page micro-cache keeps responses.
 */
export class NearStore<V> implements CoherenceListener {
  private readonly entries = new Map<string, NearEntry<V>>();
  private readonly tagged = new Map<string, Set<string>>();
  private readonly epochs = new InvalidationEpochs();
  private readonly unregister: () => void;
  private heldBytes = 0;

  constructor(
    private readonly channel: CoherenceChannel,
    readonly bounds: NearStoreBounds,
  ) {
    this.unregister = channel.register(this);
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes held now (keys plus values' `bytes`). */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Keys and tags whose latest invalidation is remembered for the fill race (bounded). */
  get rememberedInvalidations(): number {
    return this.epochs.size;
  }

  /** A point to note before reading what will be put (`NearPut.mark`). */
  get mark(): number {
    return this.epochs.mark;
  }

  /** The value, or undefined when absent, expired, or the channel is not live. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (!this.channel.live || performance.now() >= entry.expiresAt) {
      this.remove(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /**
   * Puts a value, evicting the least recently used entries to stay within bounds; false (nothing stored) when
   * the channel is not live, an invalidation of the key, of one of its tags or of everything arrived since
   * `put.mark`, its lifetime is not positive, or it alone exceeds `maxBytes`.
   */
  set(key: string, value: V, put: NearPut): boolean {
    const tags = put.tags ?? [];
    const ttlMs = Math.min(put.ttlMs ?? this.bounds.ttlMs, this.bounds.ttlMs);
    const size = Buffer.byteLength(key) + put.bytes;
    if (!this.channel.live || ttlMs <= 0 || size > this.bounds.maxBytes) return false;
    if (this.epochs.invalidatedSince(put.mark, key, tags)) return false;
    this.remove(key);
    this.entries.set(key, { value, size, tags, expiresAt: performance.now() + ttlMs });
    this.heldBytes += size;
    for (const tag of tags) {
      let keys = this.tagged.get(tag);
      if (!keys) this.tagged.set(tag, (keys = new Set()));
      keys.add(key);
    }
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.bounds.maxEntries && this.heldBytes <= this.bounds.maxBytes) break;
      this.remove(oldest);
    }
    return true;
  }

  invalidateKeys(keys: readonly string[]): void {
    this.epochs.invalidateKeys(keys);
    for (const key of keys) this.remove(key);
  }

  invalidateTags(tags: readonly string[]): void {
    this.epochs.invalidateTags(tags);
    for (const tag of tags) {
      for (const key of this.tagged.get(tag) ?? []) this.remove(key);
    }
  }

  invalidateEverything(): void {
    this.epochs.invalidateEverything();
    this.entries.clear();
    this.tagged.clear();
    this.heldBytes = 0;
  }

  /** Unregisters from the channel and drops everything. */
  close(): void {
    this.unregister();
    this.invalidateEverything();
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.heldBytes -= entry.size;
    for (const tag of entry.tags) {
      const keys = this.tagged.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.tagged.delete(tag);
    }
  }
}
