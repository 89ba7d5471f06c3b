import type { CommitWork } from '../transaction/commit-scope.js';
import type { TagInvalidator } from './entity-invalidation.interface.js';

/** A cache that tags are invalidated in, and its name (what an outbox stores, so that any process can apply it). */
export interface InvalidationTarget {
  readonly cacheName: string;
  readonly cache: TagInvalidator;
}

/** The tags one written row invalidates in one cache, queued on the row's transaction until it commits. */
export interface PlannedInvalidation {
  readonly target: InvalidationTarget;
  readonly tags: readonly string[];
  /** The entity class name, for logs. */
  readonly source: string;
}

/** Everything one commit invalidates in one cache: a single `invalidateTags` call. */
export interface InvalidationGroup {
  readonly target: InvalidationTarget;
  readonly tags: readonly string[];
  /** The entity class names the tags came from, for logs. */
  readonly sources: readonly string[];
}

/** How a commit's invalidations are applied (after the outermost commit, or after an autocommit write). */
export type ApplyInvalidations = (groups: readonly InvalidationGroup[]) => Promise<void>;

export function isPlannedInvalidation(work: CommitWork): work is PlannedInvalidation {
  return typeof work !== 'function';
}

/**
 * Merges the planned invalidations among `work` into one group per cache instance (two `forFeature` calls for
 * one cache share a group), in first-seen order, with tags and sources deduplicated.
 */
export function groupInvalidations(work: readonly CommitWork[]): InvalidationGroup[] {
  const groups = new Map<TagInvalidator, { target: InvalidationTarget; tags: Set<string>; sources: Set<string> }>();
  for (const item of work) {
    if (!isPlannedInvalidation(item) || item.tags.length === 0) continue;
    let group = groups.get(item.target.cache);
    if (!group) groups.set(item.target.cache, (group = { target: item.target, tags: new Set(), sources: new Set() }));
    for (const tag of item.tags) group.tags.add(tag);
    group.sources.add(item.source);
  }
  return [...groups.values()].map(({ target, tags, sources }) => ({ target, tags: [...tags], sources: [...sources] }));
}
