import type { EntityClass } from '../entity/entity-payloads.js';

/**
 * Which cache tags an entity's rows feed: on every committed save or delete of `entity`, the tags of the saved
 * instance (and of its previous state, for updates) are invalidated.
 * @example { entity: Ingredient, tags: (i) => ['recipes', `recipe:${i.recipeId}`] }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of mappings mixes entity types.
export interface EntityInvalidation<E = any> {
  readonly entity: EntityClass<E>;
  /** The tags `instance` feeds; called with the committed snapshot, and with the previous row of an update. */
  readonly tags: (instance: E) => readonly string[];
}

/** Options of `CacheInvalidationModule.forFeature`. */
export interface CacheInvalidationOptions {
  /** Name of the `@stash/cache` cache whose tags are invalidated. @default 'default' */
  cache?: string;
}

/** The part of `CacheService` (`@stash/cache`) that invalidation needs. */
export interface TagInvalidator {
  invalidateTags(tags: readonly string[], options?: { retry?: boolean }): Promise<void>;
  // `invalidationsQueued` is how a caller learns whether its retried DEL landed or was queued (apply-invalidation.ts).
  stats(): { readonly invalidationsQueued: number };
}
