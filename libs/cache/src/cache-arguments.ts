import { CacheArgumentError } from './errors/cache-argument.error.js';

// Checks of `CacheService` arguments that no part below it validates.

export function assertDelta(operation: string, delta: number): number {
  if (!Number.isSafeInteger(delta)) throw new CacheArgumentError(operation, 'delta', delta, 'a safe integer');
  return delta;
}

export function assertGlob(glob: string): string {
  if (typeof glob !== 'string' || glob.length === 0)
    throw new CacheArgumentError('iterKeys', 'glob', glob, 'a non-empty string');
  return glob;
}

export function assertRetry(retry: unknown): boolean {
  if (retry !== undefined && typeof retry !== 'boolean') {
    throw new CacheArgumentError('invalidateTags', 'retry', retry, 'a boolean');
  }
  return retry ?? false;
}

/** Tags of a write or an invalidation: an array (a lone string would be read as one tag per character). */
export function assertTags(operation: string, tags: unknown, required = false): readonly unknown[] {
  if (tags === undefined && !required) return [];
  if (!Array.isArray(tags)) throw new CacheArgumentError(operation, 'tags', tags, 'an array of tag strings');
  return tags;
}

/** The keys of `getMany` or `deleteMany`: an array (a lone string would be read as one key per character). */
export function assertKeyList(operation: string, keys: unknown): readonly unknown[] {
  if (!Array.isArray(keys)) throw new CacheArgumentError(operation, 'keys', keys, 'an array of keys');
  return keys;
}

/** The entries of `setMany` as pairs: from an object of key → value, or an iterable of [key, value] pairs. */
export function entryPairs(entries: unknown): (readonly [string, unknown])[] {
  if (typeof entries !== 'object' || entries === null) {
    throw new CacheArgumentError('setMany', 'entries', entries, 'an object of key → value, or [key, value] pairs');
  }
  if (!(Symbol.iterator in entries)) return Object.entries(entries);
  const pairs = [...(entries as Iterable<unknown>)];
  const bad = pairs.findIndex((pair) => !Array.isArray(pair));
  if (bad !== -1) throw new CacheArgumentError('setMany', `entry ${bad}`, pairs[bad], 'a [key, value] pair');
  return pairs as (readonly [string, unknown])[];
}
