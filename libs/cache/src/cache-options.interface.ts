import type { ClusterNode, ClusterOptions, Redis, Cluster, RedisOptions, SentinelAddress } from 'ioredis';
import type { CacheCodec } from './codec/cache-codec.interface.js';
import type { NearCacheOptions } from './near/near-options.interface.js';

/** Builds the stored key from the user key, the cache's `keyPrefix` and the version (Django's `KEY_FUNCTION`). */
export type KeyFunction = (key: string, keyPrefix: string, version: number) => string;

/** Options of one cache (one entry of Django's `CACHES`). */
export interface CacheOptions {
  /**
   * Where entries live. `memory` is Django's LocMemCache: per process, LRU-bounded. `dummy` is Django's
   * DummyCache: nothing is stored and every read misses (a benchmark baseline, a debugging switch). Both ignore
   * the connection options. @default 'redis'
   */
  store?: 'redis' | 'memory' | 'dummy';
  /** `redis://` or `rediss://` URL, with optional user, password and db (`redis://user:pw@host:6379/2`). */
  url?: string;
  /** ioredis options, merged over the URL; Stash's fault-handling defaults apply unless set here. */
  redis?: RedisOptions;
  /** Sentinel addresses; use with `name` (the monitored master's name). */
  sentinels?: SentinelAddress[];
  /** Name of the master monitored by `sentinels`. */
  name?: string;
  /** Redis Cluster start-up nodes and ioredis cluster options. */
  cluster?: { nodes: ClusterNode[]; options?: ClusterOptions };
  /** An existing ioredis client. Stash uses it as is and never closes it. */
  client?: Redis | Cluster;
  /** Namespace of every key of this cache; `clear()` deletes keys under it only. @default '' */
  keyPrefix?: string;
  /** Version part of every key (Django's `VERSION`). @default 1 */
  version?: number;
  /** Builds stored keys; its result must start with `${keyPrefix}:`. @default `${keyPrefix}:${version}:${key}` */
  keyFunction?: KeyFunction;
  /** TTL in seconds when a call gives none; `null` = never expires, `0` = do not store. @default 300 */
  defaultTtl?: number | null;
  /** Value encoding: `'json'`, `'msgpack'` (msgpackr) or a custom codec. Safe integers are always stored raw. @default 'json' */
  codec?: 'json' | 'msgpack' | CacheCodec;
  /** Compress encoded values larger than this many bytes. @default undefined (never) */
  compressAbove?: number;
  /** Algorithm used above `compressAbove`. @default 'gzip' */
  compression?: 'gzip' | 'brotli';
  /** Refuse values whose stored size exceeds this many bytes. @default undefined (no limit) */
  maxValueBytes?: number;
  /** What to do with a value over `maxValueBytes`: throw `CacheValueTooLargeError`, or skip it with a warning. @default 'throw' */
  onValueTooLarge?: 'throw' | 'skip';
  /** Keys longer than this many characters are hashed into a fixed-length key with a readable prefix. @default 200 */
  maxKeyLength?: number;
  /** Per-command timeout in milliseconds; a stalled Redis never holds a call longer. @default 500 */
  commandTimeout?: number;
  /** On connectivity faults, reads miss and writes are skipped instead of throwing `CacheUnavailableError`. @default true */
  failOpen?: boolean;
  /** Circuit breaker: consecutive faults that open it, and milliseconds it stays open before one probe. */
  breaker?: { threshold?: number; cooldownMs?: number };
  /** Bounds of the memory store (entries and bytes, LRU eviction). */
  memory?: { maxEntries?: number; maxBytes?: number };
  /** Defaults of `getOrSet`'s cross-process fill lock. */
  stampede?: { lockTtl?: number; lockWait?: number };
  /**
   * An in-process LRU tier in front of Redis (Redis store only), kept coherent across processes through Redis
   * pub/sub: a hit costs no round trip, and no process serves an entry more than `2 × heartbeatMs` after its
   * invalidation was published. Every process that writes to this cache must enable it too (it is what publishes
   * the invalidations). `true` takes the defaults. @default false
   */
  near?: boolean | NearCacheOptions;
}

/** Options of `CacheModule.forRoot`: the top level configures the `default` cache, `caches` adds named ones. */
export interface CacheModuleOptions extends CacheOptions {
  /** Further caches, each injected with `@InjectCache(name)`. */
  caches?: Record<string, CacheOptions>;
}
