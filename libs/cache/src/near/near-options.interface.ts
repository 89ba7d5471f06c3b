/**
 * Options of a cache's near cache: an in-process LRU tier in front of Redis, kept coherent across processes
 * through Redis pub/sub (`near: true` takes every default).
 */
export interface NearCacheOptions {
  /** Most entries held in process. @default 10000 */
  maxEntries?: number;
  /** Most bytes held in process (stored keys plus encoded values). @default 33554432 (32 MiB) */
  maxBytes?: number;
  /**
   * Longest time in seconds an entry is served from process memory, whatever its Redis TTL (entries never
   * outlive their Redis TTL as read at fill, nor their fresh time). @default 60
   */
  ttl?: number;
  /**
   * Interval in ms of the heartbeat each process publishes on the cache's channel. A process whose own heartbeat
   * has not come back for `2 × heartbeatMs` serves nothing from its near cache: that is the staleness bound.
   * @default 500
   */
  heartbeatMs?: number;
}
