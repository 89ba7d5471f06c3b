/** How many distinct tags `RecentInvalidations` remembers. */
export const MAX_REMEMBERED_INVALIDATIONS = 10_000;

/**
 * The tags this process invalidated lately, each with the sequence number of its latest invalidation (landed in
 * Redis or queued for a retry): what a value loaded without Redis is checked against, since Redis could not be
 * asked whether its tags changed. Bounded: past `MAX_REMEMBERED_INVALIDATIONS` tags the oldest are forgotten,
 * and a question about a time before them is answered "invalidated" (cannot tell, so the safe side).
 * @internal
 */
export class RecentInvalidations {
  private readonly latest = new Map<string, number>();
  private forgottenUpTo = 0;

  get size(): number {
    return this.latest.size;
  }

  /** `tags` were invalidated at `sequence` (greater than any before). */
  remember(tags: readonly string[], sequence: number): void {
    for (const tag of tags) {
      // Re-inserted, so that the map's order is the order of the latest invalidations (oldest first out).
      this.latest.delete(tag);
      this.latest.set(tag, sequence);
    }
    for (const [tag, at] of this.latest) {
      if (this.latest.size <= MAX_REMEMBERED_INVALIDATIONS) break;
      this.latest.delete(tag);
      this.forgottenUpTo = Math.max(this.forgottenUpTo, at);
    }
  }

  /** True when one of `tags` was invalidated after `mark`, or when invalidations after `mark` may be forgotten. */
  since(tags: readonly string[], mark: number): boolean {
    if (mark < this.forgottenUpTo) return true;
    return tags.some((tag) => (this.latest.get(tag) ?? 0) > mark);
  }
}
