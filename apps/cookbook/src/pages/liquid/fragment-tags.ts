import type { CacheService } from '@stash/cache';

/**
 * The cache that `{% cache %}` stores fragments in, with tags added per fragment name. The Liquid tag takes no
 * tags, and a fragment showing recipe names must be invalidated with the pages that embed it: otherwise a page
 * re-rendered right after a rename would embed, and keep for its whole TTL, a fragment rendered before it.
 * `CacheService.fragment` takes tags (through `getOrSet`, so race-free); this view of the cache supplies them.
 * Every other method is the cache's own.
 */
export function withFragmentTags(
  cache: CacheService,
  tagsByFragment: Readonly<Record<string, readonly string[]>>,
): CacheService {
  const tagged: CacheService = Object.create(cache);
  tagged.fragment = (name, varyOn, ttl, render, options) =>
    cache.fragment(name, varyOn, ttl, render, {
      ...options,
      tags: [...(tagsByFragment[name] ?? []), ...(options?.tags ?? [])],
    });
  return tagged;
}
