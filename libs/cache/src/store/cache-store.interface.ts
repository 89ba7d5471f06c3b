import type { InProcessSizes } from '../in-process-sizes.js';

/**
 * TTL handed to a store: seconds (> 0, fractions allowed), or `null` for never. The service has already
 * resolved defaults and handled `0`.
 */
export type StoreTtl = number | null;

/** One hit of a fixed-window rate limit, as a store counted it. Durations in milliseconds. */
export interface ThrottleHit {
  /** Hits in the current window (including this one), or the hits that caused the block in force. */
  readonly totalHits: number;
  /** Time left in the current window, or in the block when blocked. */
  readonly ttlMs: number;
  readonly blocked: boolean;
  /** Time left in the block; 0 when not blocked. */
  readonly blockMs: number;
}

/**
 * What a cache backend must do. Keys are final stored keys; values are encoded bytes. `BaseCacheStore` derives
 * the batch and tag operations from the single-key ones; a backend overrides them where it can do better
 * (MGET, pipelines, Lua).
 */
export interface CacheStore {
  get(key: string): Promise<Buffer | undefined>;
  set(key: string, data: Buffer, ttl: StoreTtl): Promise<void>;
  /** Stores only when the key is absent; true when stored. */
  add(key: string, data: Buffer, ttl: StoreTtl): Promise<boolean>;
  /** True when the key existed. */
  delete(key: string): Promise<boolean>;
  /**
   * Deletes every key matching a glob (SCAN, never KEYS or FLUSHDB), except keys starting with `except`;
   * returns how many.
   */
  clear(pattern: string, except?: string): Promise<number>;

  getMany(keys: readonly string[]): Promise<(Buffer | undefined)[]>;
  /** Returns the keys that could not be stored. */
  setMany(entries: ReadonlyArray<readonly [string, Buffer]>, ttl: StoreTtl): Promise<string[]>;
  deleteMany(keys: readonly string[]): Promise<number>;
  /**
   * Only while the key still holds exactly `expected`, stores `data` (or, when `data` is undefined, keeps the
   * value) with the TTL `ttl`; true when written, false when the key changed or vanished (atomic).
   */
  compareAndSet(key: string, expected: Buffer, data: Buffer | undefined, ttl: StoreTtl): Promise<boolean>;
  /** Atomically adds `delta` to an integer; undefined when the key is missing. */
  incr(key: string, delta: number): Promise<number | undefined>;
  /** Moves a key, keeping its TTL; false when `from` is missing. */
  rename(from: string, to: string): Promise<boolean>;
  /** Remaining lifetime in ms; null when it never expires; undefined when missing. */
  ttl(key: string): Promise<number | null | undefined>;
  /** Yields batches of keys matching a glob. */
  scan(pattern: string): AsyncIterable<string[]>;

  /** Reads a value and the current tokens of some tags in one round trip. */
  readWithTags(key: string, tagKeys: readonly string[]): Promise<[Buffer | undefined, (string | undefined)[]]>;
  /** Returns each tag's token, creating absent ones with a fresh token. */
  ensureTags(tagKeys: readonly string[]): Promise<string[]>;

  /** SET NX with a TTL in ms; true when acquired. */
  acquireLock(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Deletes the lock only if `token` still owns it. */
  releaseLock(key: string, token: string): Promise<boolean>;
  /** Resets the lock's TTL only if `token` still owns it. */
  extendLock(key: string, token: string, ttlMs: number): Promise<boolean>;

  /**
   * Counts one hit on a fixed-window counter, atomically: the first hit starts a window of `ttlMs`; a hit
   * beyond `limit` blocks the key for `blockMs` (or, with 0, until the window ends), and hits are not counted
   * while it is blocked. A block that ends starts a new window.
   */
  throttle(key: string, ttlMs: number, limit: number, blockMs: number): Promise<ThrottleHit>;

  /** Resolves true once the store can serve, false when it cannot within `timeoutMs`. */
  ready(timeoutMs: number): Promise<boolean>;

  /** Sizes and bounds of what the store keeps in process memory (nothing, for Redis). */
  inProcessSizes(): InProcessSizes;

  /** Releases what the store opened. */
  close(): Promise<void>;
}
