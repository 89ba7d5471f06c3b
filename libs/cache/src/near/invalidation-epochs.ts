/** How many distinct keys, and tags, `InvalidationEpochs` remembers each. */
export const MAX_REMEMBERED_EPOCHS = 10_000;

/**
 * When keys, tags or everything were last invalidated in one near store, as points in a sequence, so that a fill
 * that read Redis before an invalidation arrived does not insert what it read (the fill race). A fill notes
 * `mark` before it sends its read and may insert only if `invalidatedSince(mark, key, tags)` is false.
 * Bounded: past `MAX_REMEMBERED_EPOCHS` keys (or tags) the oldest are forgotten, and a fill that started before a
 * forgotten invalidation is refused (cannot tell, so the safe side).
 */
export class InvalidationEpochs {
  private sequence = 0;
  private everythingAt = 0;
  private forgottenUpTo = 0;
  private readonly keys = new Map<string, number>();
  private readonly tags = new Map<string, number>();

  /** The current point in the sequence. */
  get mark(): number {
    return this.sequence;
  }

  /** Keys and tags remembered now (for `inProcessSizes`). */
  get size(): number {
    return this.keys.size + this.tags.size;
  }

  invalidateKeys(keys: Iterable<string>): void {
    this.remember(this.keys, keys, ++this.sequence);
  }

  invalidateTags(tags: Iterable<string>): void {
    this.remember(this.tags, tags, ++this.sequence);
  }

  invalidateEverything(): void {
    this.everythingAt = ++this.sequence;
    // Every remembered point is older than this one: none of them can refuse a fill this one would not.
    this.keys.clear();
    this.tags.clear();
  }

  /** True when `key`, one of `tags` or everything was invalidated after `mark`, or when that may be forgotten. */
  invalidatedSince(mark: number, key: string, tags: readonly string[]): boolean {
    if (mark < this.everythingAt || mark < this.forgottenUpTo) return true;
    if ((this.keys.get(key) ?? 0) > mark) return true;
    return tags.some((tag) => (this.tags.get(tag) ?? 0) > mark);
  }

  private remember(map: Map<string, number>, names: Iterable<string>, at: number): void {
    for (const name of names) {
      // Re-inserted so that the map's order is the order of the latest invalidations (oldest first out).
      map.delete(name);
      map.set(name, at);
    }
    for (const [name, when] of map) {
      if (map.size <= MAX_REMEMBERED_EPOCHS) break;
      map.delete(name);
      this.forgottenUpTo = Math.max(this.forgottenUpTo, when);
    }
  }
}
