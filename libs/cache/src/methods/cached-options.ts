import type { CachedOptions } from './cached-options.interface.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';

const KNOWN: readonly (keyof CachedOptions)[] = ['key', 'ttl', 'tags', 'cache', 'staleWhileRevalidate', 'grace'];

/** Validates `@Cached`'s options when the decorator is applied, so a bad option fails at class definition. */
export function cachedOptions(options: CachedOptions): Readonly<CachedOptions> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new CacheArgumentError('@Cached', 'options', options, `an object with ${KNOWN.join(', ')}`);
  }
  const unknown = Object.keys(options).find((name) => !(KNOWN as readonly string[]).includes(name));
  if (unknown !== undefined) {
    throw new CacheArgumentError('@Cached', 'option', unknown, `one of ${KNOWN.join(', ')}`);
  }
  const { key, ttl, tags, cache, staleWhileRevalidate, grace } = options;
  if (key !== undefined && typeof key !== 'function') {
    throw new CacheArgumentError('@Cached', 'key', key, 'a function of the arguments returning the key');
  }
  if (ttl !== undefined && ttl !== null && !isSeconds(ttl)) {
    throw new CacheArgumentError('@Cached', 'ttl', ttl, 'seconds >= 0, or null for never');
  }
  if (tags !== undefined && typeof tags !== 'function' && !isTagList(tags)) {
    throw new CacheArgumentError('@Cached', 'tags', tags, 'an array of non-empty strings, or a function returning one');
  }
  if (cache !== undefined && (typeof cache !== 'string' || cache.length === 0)) {
    throw new CacheArgumentError('@Cached', 'cache', cache, 'the name of a configured cache');
  }
  if (staleWhileRevalidate !== undefined && !isSeconds(staleWhileRevalidate)) {
    throw new CacheArgumentError('@Cached', 'staleWhileRevalidate', staleWhileRevalidate, 'seconds >= 0');
  }
  if (grace !== undefined && !isSeconds(grace)) {
    throw new CacheArgumentError('@Cached', 'grace', grace, 'seconds >= 0');
  }
  return Object.freeze({ ...options, ...(Array.isArray(tags) ? { tags: Object.freeze([...tags]) } : {}) });
}

/** True for a list of non-empty strings (a tag list, given or returned by a `tags` function). */
export function isTagList(tags: unknown): tags is readonly string[] {
  return Array.isArray(tags) && tags.every((tag) => typeof tag === 'string' && tag.length > 0);
}

function isSeconds(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
