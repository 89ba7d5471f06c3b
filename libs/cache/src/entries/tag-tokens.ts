import { assertTags } from '../cache-arguments.js';
import type { CacheContext } from './cache-context.js';
import type { EntryIO } from './entry-io.js';

// Every read and every creation of tag tokens goes through this file, so that a tag whose invalidation is still
// pending in this process (PendingInvalidations) reads as invalidated everywhere and is never handed out as a
// valid token. Store errors propagate: callers run these under the fault guard.

/**
 * Distinct tags, validated (CacheArgumentError for a non-array, CacheKeyError for a bad tag) before anything is
 * encoded or written.
 */
export function uniqueTags(context: CacheContext, operation: string, tags: readonly string[] | undefined): string[] {
  const unique = [...new Set(assertTags(operation, tags))] as string[];
  unique.forEach((tag) => context.keys.tag(tag));
  return unique;
}

/** Current token of each tag; undefined when absent or pending invalidation here (either way: invalid). */
export async function readTokens(context: CacheContext, tags: readonly string[]): Promise<(string | undefined)[]> {
  if (tags.length === 0) return [];
  const { store, keys, pending } = context;
  const tokens = await store.getMany(tags.map((tag) => keys.tag(tag)));
  return tags.map((tag, i) => (pending.has(tag) ? undefined : tokens[i]?.toString('utf8')));
}

/** A stored value and the current tokens of `tags`, in one round trip (pending tags read as absent). */
export async function readWithTokens(
  context: CacheContext,
  storedKey: string,
  tags: readonly string[],
): Promise<[Buffer | undefined, (string | undefined)[]]> {
  const { store, keys, pending } = context;
  const [data, tokens] = await store.readWithTags(
    storedKey,
    tags.map((tag) => keys.tag(tag)),
  );
  return [data, tags.map((tag, i) => (pending.has(tag) ? undefined : tokens[i]))];
}

/**
 * Tokens to store with a value (creating absent ones), or undefined when no valid token can be had: a tag's
 * invalidation is pending here, so whatever is written now must not be valid anywhere.
 */
export async function ensureTokens(context: CacheContext, tags: readonly string[]): Promise<string[] | undefined> {
  const { store, keys, pending } = context;
  if (pending.any(tags)) return undefined;
  const tokens = await store.ensureTags(tags.map((tag) => keys.tag(tag)));
  // The tag may have gone pending while the tokens were read: they are the ones the lost DEL meant to kill.
  return pending.any(tags) ? undefined : tokens;
}

/**
 * Whether tokens taken before a computation (getOrSet's loader, a page's handler) may still be written: not once
 * one of the tags went pending meanwhile, since they are the tokens the lost DEL was meant to kill.
 */
export function stillWritable(context: CacheContext, tags: readonly string[]): boolean {
  return !context.pending.any(tags);
}

/**
 * Current tokens for `set`-style writes. A tagged value written while Redis is down or while one of its tags is
 * pending invalidation carries no valid token (the empty string never is one).
 */
export async function tagTokens(
  context: CacheContext,
  unique: readonly string[],
): Promise<{ tags?: Record<string, string> }> {
  if (!unique.length) return {};
  const tokens = await context.guard.run(
    'set',
    () => ensureTokens(context, unique),
    () => undefined,
  );
  return { tags: Object.fromEntries(unique.map((tag, i) => [tag, tokens?.[i] ?? ''])) };
}

/** Encodes and checks the value first, so that a refused value creates no tag token. */
export async function encodeTagged(
  context: CacheContext,
  io: EntryIO,
  key: string,
  value: unknown,
  tags: readonly string[] | undefined,
): Promise<Buffer | undefined> {
  const unique = uniqueTags(context, 'set', tags);
  const encoded = await io.prepare(key, value, unique);
  return encoded && io.finish(key, encoded, await tagTokens(context, unique));
}
