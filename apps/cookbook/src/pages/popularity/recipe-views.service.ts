import { Injectable } from '@nestjs/common';
import { recentViewsKey, viewCountsKey } from './popularity-keys.js';
import { ViewsRedis } from './views-redis.js';

/** How many recently viewed recipes a user's list keeps. */
export const RECENT_VIEWS_KEPT = 10;
// A user who stops coming back stops costing memory.
const RECENT_VIEWS_TTL_SECONDS = 30 * 24 * 3600;

/** A recipe id and how many times its page was viewed. */
export interface ViewCount {
  readonly id: number;
  readonly views: number;
}

/**
 * View counts in a Redis sorted set (ZINCRBY per view, ZREVRANGE for the most viewed) and each user's recently
 * viewed recipes in a capped list. Every call fails open: with Redis unreachable a view goes uncounted and the
 * lists read as empty; the pages still answer.
 */
@Injectable()
export class RecipeViews {
  constructor(private readonly redis: ViewsRedis) {}

  /**
   * Counts one view of an existing recipe (callers check that it exists: only real recipes become members), and
   * puts it first in the viewer's recent list.
   * @returns whether the viewer's recent list changed (their dashboard must then be refreshed).
   */
  async record(recipeId: number, viewerId?: number): Promise<boolean> {
    const counts = viewCountsKey(this.redis.keyPrefix);
    if (viewerId === undefined) {
      await this.redis.failOpen('record', () => this.redis.client.zincrby(counts, 1, recipeId), undefined);
      return false;
    }
    const recent = recentViewsKey(this.redis.keyPrefix, viewerId);
    // One round trip, atomic: the previous head tells whether the list changes.
    const replies = await this.redis.failOpen(
      'record',
      () =>
        this.redis.client
          .multi()
          .lindex(recent, 0)
          .zincrby(counts, 1, recipeId)
          .lrem(recent, 0, recipeId)
          .lpush(recent, recipeId)
          .ltrim(recent, 0, RECENT_VIEWS_KEPT - 1)
          .expire(recent, RECENT_VIEWS_TTL_SECONDS)
          .exec(),
      null,
    );
    const [error, previousHead] = replies?.[0] ?? [null, undefined];
    return replies !== null && !error && previousHead !== String(recipeId);
  }

  /** The most viewed recipe ids, most viewed first (ties: higher id first). */
  async top(limit: number): Promise<ViewCount[]> {
    const flat = await this.redis.failOpen(
      'top',
      () => this.redis.client.zrevrange(viewCountsKey(this.redis.keyPrefix), 0, limit - 1, 'WITHSCORES'),
      [] as string[],
    );
    const counts: ViewCount[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) counts.push({ id: Number(flat[i]), views: Number(flat[i + 1]) });
    return counts;
  }

  /** A user's recently viewed recipe ids, newest first. */
  async recent(userId: number): Promise<number[]> {
    const ids = await this.redis.failOpen(
      'recent',
      () => this.redis.client.lrange(recentViewsKey(this.redis.keyPrefix, userId), 0, RECENT_VIEWS_KEPT - 1),
      [] as string[],
    );
    return ids.map(Number);
  }

  /** Drops the counts of recipes that no longer exist, so they stop taking places in the top list. */
  async forget(recipeIds: readonly number[]): Promise<void> {
    if (recipeIds.length === 0) return;
    await this.redis.failOpen(
      'forget',
      () => this.redis.client.zrem(viewCountsKey(this.redis.keyPrefix), ...recipeIds),
      0,
    );
  }
}
