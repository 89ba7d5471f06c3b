/** How many learned Vary lists a process keeps before dropping the oldest. */
export const MAX_LEARNED_VARY_LISTS = 10_000;

interface Learned {
  readonly names: readonly string[];
  readonly until: number;
}

/**
 * The Vary header lists this process learned, by the list's stored key, for `ttlMs`. A stale list can only cost
 * a miss, never a wrong page: an entry is served only when it was keyed with the very names used to look it up.
 * Bounded: the oldest list is dropped past 10,000.
 */
export class VaryMemo {
  private readonly learned = new Map<string, Learned>();

  constructor(private readonly ttlMs: number) {}

  /** Lists held (expired ones included until they are read or pushed out). */
  get size(): number {
    return this.learned.size;
  }

  get(key: string, now = Date.now()): readonly string[] | undefined {
    const found = this.learned.get(key);
    if (!found) return undefined;
    if (found.until > now) return found.names;
    this.learned.delete(key);
    return undefined;
  }

  set(key: string, names: readonly string[], now = Date.now()): void {
    if (this.ttlMs === 0) return;
    this.learned.delete(key);
    this.learned.set(key, { names, until: now + this.ttlMs });
    if (this.learned.size > MAX_LEARNED_VARY_LISTS) this.learned.delete(this.learned.keys().next().value!);
  }

  /** Forgets every list whose key contains `part` (the identity hash of an invalidated page). */
  forget(part: string): void {
    for (const key of this.learned.keys()) if (key.includes(part)) this.learned.delete(key);
  }
}
