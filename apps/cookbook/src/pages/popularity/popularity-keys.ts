/**
 * Redis keys of the view counts. They sit beside the cache's `<prefix>:*` namespace, not inside it, so that
 * `CacheService.clear()` (SCAN `<prefix>:*`) never wipes the counts, as the sessions' `<prefix>-session:` do.
 */

/** The sorted set of view counts: member = recipe id, score = views. */
export function viewCountsKey(prefix: string): string {
  return `${prefix}-views`;
}

/** A user's recently viewed recipe ids, newest first (a capped list). */
export function recentViewsKey(prefix: string, userId: number): string {
  return `${prefix}-recent:${userId}`;
}
