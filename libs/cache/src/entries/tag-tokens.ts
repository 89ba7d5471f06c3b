import type { CacheContext } from './cache-context.js';
import type { EntryIO } from './entry-io.js';

/** Distinct tags, each validated (CacheKeyError) before anything is encoded or written. */
export function uniqueTags(context: CacheContext, tags: readonly string[] | undefined): string[] {
  if (!tags?.length) return [];
  const unique = [...new Set(tags)];
  unique.forEach((tag) => context.keys.tag(tag));
  return unique;
}

/** Current tokens for `set`-style writes; a tagged value written while Redis is down carries no valid token. */
export async function tagTokens(
  context: CacheContext,
  unique: readonly string[],
): Promise<{ tags?: Record<string, string> }> {
  if (!unique.length) return {};
  const { keys, guard, store } = context;
  const tagKeys = unique.map((tag) => keys.tag(tag));
  const tokens = await guard.run(
    'set',
    () => store.ensureTags(tagKeys),
    () => unique.map(() => ''),
  );
  return { tags: Object.fromEntries(unique.map((tag, i) => [tag, tokens[i]!])) };
}

/** Encodes and checks the value first, so that a refused value creates no tag token. */
export async function encodeTagged(
  context: CacheContext,
  io: EntryIO,
  key: string,
  value: unknown,
  tags: readonly string[] | undefined,
): Promise<Buffer | undefined> {
  const unique = uniqueTags(context, tags);
  const encoded = await io.prepare(key, value, unique);
  return encoded && io.finish(key, encoded, await tagTokens(context, unique));
}
