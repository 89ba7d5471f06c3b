import type { CacheService } from '@stash/cache';
import type { OtherConnection } from './other-connection.js';

/** What a cached read returned, and whether it came from the cache (a hit) or from its loader (a miss). */
export interface CachedRead {
  readonly value: string | undefined;
  readonly hit: boolean;
}

/**
 * A recipe's title read through `getOrSet`, tagged `recipe:<id>` as the cookbook's pages are; a miss loads the
 * committed row through `db` (a connection of its own, so that it works after the writing app closed).
 */
export async function cachedTitle(cache: CacheService, db: OtherConnection, id: number): Promise<CachedRead> {
  let hit = true;
  const value = await cache.getOrSet(
    `recipe:${id}:title`,
    async () => {
      hit = false;
      return db.recipeTitle(id);
    },
    { tags: [`recipe:${id}`], ttl: 600 },
  );
  return { value, hit };
}
