import type { ThrottleHit } from './cache-store.interface.js';

/** How many counters a process keeps before dropping the oldest (each costs about 150 bytes). */
export const MAX_THROTTLE_COUNTERS = 100_000;
// A full table is swept for expired counters at most this often, so that a flood of new keys costs O(1) each.
const SWEEP_INTERVAL_MS = 1_000;

interface Counter {
  hits: number;
  /** End of the window, or of the block. */
  expiresAt: number;
  blocked: boolean;
}

/**
 * Fixed-window rate-limit counters in process memory, with the semantics of `throttle.lua`: the stores that
 * keep nothing in Redis (memory, dummy) count here, so a rate limit never vanishes because caching is off.
 * Bounded: expired counters are dropped when read and swept when the table is full; past `maxCounters` live
 * ones, the oldest is dropped (its key starts a new window).
 */
export class ThrottleCounters {
  private readonly counters = new Map<string, Counter>();
  private lastSweep = 0;

  constructor(private readonly maxCounters = MAX_THROTTLE_COUNTERS) {}

  get size(): number {
    return this.counters.size;
  }

  /** The most counters kept at once. */
  get max(): number {
    return this.maxCounters;
  }

  hit(key: string, ttlMs: number, limit: number, blockMs: number, now = Date.now()): ThrottleHit {
    let counter = this.live(key, now);
    if (counter?.blocked) {
      const left = counter.expiresAt - now;
      return { totalHits: counter.hits, ttlMs: left, blocked: true, blockMs: left };
    }
    if (!counter) {
      counter = { hits: 0, expiresAt: now + ttlMs, blocked: false };
      this.insert(key, counter, now);
    }
    counter.hits++;
    if (counter.hits <= limit)
      return { totalHits: counter.hits, ttlMs: counter.expiresAt - now, blocked: false, blockMs: 0 };
    if (blockMs > 0) {
      counter.blocked = true;
      counter.expiresAt = now + blockMs;
    }
    const left = counter.expiresAt - now;
    return { totalHits: counter.hits, ttlMs: left, blocked: true, blockMs: left };
  }

  clear(): void {
    this.counters.clear();
  }

  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter && counter.expiresAt <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  private insert(key: string, counter: Counter, now: number): void {
    if (this.counters.size >= this.maxCounters && now - this.lastSweep >= SWEEP_INTERVAL_MS) {
      this.lastSweep = now;
      for (const [other, { expiresAt }] of this.counters) if (expiresAt <= now) this.counters.delete(other);
    }
    // Maps iterate in insertion order: the first key is the oldest window.
    while (this.counters.size >= this.maxCounters) this.counters.delete(this.counters.keys().next().value!);
    this.counters.set(key, counter);
  }
}
