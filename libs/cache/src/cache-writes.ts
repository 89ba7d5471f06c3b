import type { SetOptions, VersionOption } from './cache-service-options.interface.js';
import type { CacheContext } from './entries/cache-context.js';
import type { ConditionalWrites } from './entries/conditional-writes.js';
import type { EntryIO } from './entries/entry-io.js';
import type { CacheCoherence } from './near/cache-coherence.js';
import type { EntryReads } from './near/near-reads.js';
import { assertKeyList, entryPairs } from './cache-arguments.js';
import { encodeTagged, tagTokens, uniqueTags } from './entries/tag-tokens.js';
import { resolveTtl } from './entries/resolve-ttl.js';

/**
 * `CacheService`'s entry writes (set, add, setMany, delete, deleteMany): encoding and size checks before any I/O,
 * fail-open under the fault guard, and a coherence notice of the stored keys after each write.
 */
export class CacheWrites {
  constructor(
    private readonly context: CacheContext,
    private readonly io: EntryIO,
    private readonly conditional: ConditionalWrites,
    private readonly coherence: CacheCoherence,
    private readonly reads: EntryReads,
  ) {}

  async set(key: string, value: unknown, ttl: number | null | undefined, options?: SetOptions): Promise<void> {
    const { keys, guard, store, stats, options: cache } = this.context;
    const storedKey = keys.entry(key, options?.version);
    const seconds = resolveTtl(ttl, cache.defaultTtl);
    if (seconds === 0) {
      await this.delete(key, options);
      return;
    }
    const data = await encodeTagged(this.context, this.io, key, value, options?.tags);
    if (!data) {
      // Skipped as too large: the value it was meant to replace must not go on being served.
      await this.delete(key, options);
      return;
    }
    const stored = await this.coherence.afterKeys([storedKey], () =>
      guard.run(
        'set',
        () => store.set(storedKey, data, seconds).then(() => true),
        () => false,
      ),
    );
    if (stored) stats.sets++;
  }

  async add(key: string, value: unknown, ttl: number | null | undefined, options?: SetOptions): Promise<boolean> {
    const { keys, guard, stats, options: cache } = this.context;
    const storedKey = keys.entry(key, options?.version);
    const seconds = resolveTtl(ttl, cache.defaultTtl);
    const tags = uniqueTags(this.context, 'add', options?.tags);
    const encoded = await this.io.prepare(key, value, tags, false);
    if (!encoded) return false;
    if (seconds === 0) return (await this.reads.get('has', storedKey)).status !== 'fresh';
    const data = this.io.finish(key, encoded, await tagTokens(this.context, tags), false);
    if (!data) return false;
    const added = await this.coherence.afterKeys([storedKey], () =>
      guard.run(
        'add',
        () => this.conditional.add(storedKey, data, seconds),
        () => false,
      ),
    );
    if (added) stats.sets++;
    return added;
  }

  async setMany(
    entries: Record<string, unknown> | Iterable<readonly [string, unknown]>,
    ttl: number | null | undefined,
    options?: SetOptions,
  ): Promise<string[]> {
    const { keys, guard, store, stats, options: cache } = this.context;
    const pairs = entryPairs(entries);
    const seconds = resolveTtl(ttl, cache.defaultTtl);
    const storedKeys = pairs.map(([key]) => keys.entry(key, options?.version));
    if (seconds === 0) {
      await this.deleteMany(
        pairs.map(([key]) => key),
        options,
      );
      return [];
    }
    const tags = uniqueTags(this.context, 'setMany', options?.tags);
    const prepared = await Promise.all(pairs.map(([key, value]) => this.io.prepare(key, value, tags)));
    const tokens = prepared.some(Boolean) ? await tagTokens(this.context, tags) : {};
    const encoded = prepared.map((value, i) => value && this.io.finish(pairs[i]![0], value, tokens));
    const writable = storedKeys.flatMap((storedKey, i) => (encoded[i] ? [[storedKey, encoded[i]!] as const] : []));
    const skipped = pairs.filter((_, i) => !encoded[i]).map(([key]) => key);
    // Values skipped as too large must not leave the values they were meant to replace in place.
    if (skipped.length) await this.deleteMany(skipped, options);
    const failedStored = new Set(
      await this.coherence.afterKeys(storedKeys, () =>
        guard.run(
          'setMany',
          () => store.setMany(writable, seconds),
          () => writable.map(([storedKey]) => storedKey),
        ),
      ),
    );
    const failed = pairs.filter((_, i) => !encoded[i] || failedStored.has(storedKeys[i]!)).map(([key]) => key);
    stats.sets += pairs.length - failed.length;
    return failed;
  }

  async delete(key: string, options?: VersionOption): Promise<boolean> {
    const storedKey = this.context.keys.entry(key, options?.version);
    const deleted = await this.coherence.afterKeys([storedKey], () =>
      this.context.guard.run(
        'delete',
        () => this.context.store.delete(storedKey),
        () => false,
      ),
    );
    if (deleted) this.context.stats.deletes++;
    return deleted;
  }

  async deleteMany(keys: readonly string[], options?: VersionOption): Promise<number> {
    const storedKeys = assertKeyList('deleteMany', keys).map((key) => this.context.keys.entry(key, options?.version));
    const count = await this.coherence.afterKeys(storedKeys, () =>
      this.context.guard.run(
        'deleteMany',
        () => this.context.store.deleteMany(storedKeys),
        () => 0,
      ),
    );
    this.context.stats.deletes += count;
    return count;
  }
}
