import type { CacheEntry } from '../codec/cache-entry.js';
import type { CacheContext } from './cache-context.js';
import { CacheDecodeError } from '../errors/cache-decode.error.js';
import { CacheSerializationError } from '../errors/cache-serialization.error.js';
import { CacheValueTooLargeError } from '../errors/cache-value-too-large.error.js';

/** What a read found: nothing usable, a fresh entry, or one past its fresh time but kept for SWR or grace. */
export type ReadOutcome =
  { readonly status: 'missing' } | { readonly status: 'fresh' | 'stale'; readonly entry: CacheEntry };

const MISSING: ReadOutcome = { status: 'missing' };
const NOTHING = (): undefined => undefined;
const NOTHING_WITH_TAGS = (): [undefined, []] => [undefined, []];

/** Reads and writes entries: decoding, tag validation, freshness, encoding and size limits. */
export class EntryIO {
  constructor(private readonly context: CacheContext) {}

  /**
   * Reads a stored key. Tags the caller already knows are fetched in the same round trip; an entry whose tag
   * token changed since it was computed is missing, never served.
   */
  async read(operation: string, storedKey: string, knownTags: readonly string[] = []): Promise<ReadOutcome> {
    const { store, guard, keys } = this.context;
    let data: Buffer | undefined;
    let tokens: (string | undefined)[] = [];
    if (knownTags.length === 0) {
      data = await guard.run(operation, () => store.get(storedKey), NOTHING);
    } else {
      const tagKeys = knownTags.map((tag) => keys.tag(tag));
      [data, tokens] = await guard.run(operation, () => store.readWithTags(storedKey, tagKeys), NOTHING_WITH_TAGS);
    }
    if (!data) return MISSING;
    const decoded = this.decode(storedKey, data);
    const entry = decoded instanceof Promise ? await decoded : decoded;
    if (!entry) return MISSING;
    if (entry.tags) {
      const known = new Map(knownTags.map((tag, i) => [tag, tokens[i]]));
      if (!(await this.tagsCurrent(operation, entry.tags, known))) return MISSING;
    }
    return { status: isStale(entry) ? 'stale' : 'fresh', entry };
  }

  /** True when every tag still has the token given; false when one changed or Redis cannot tell. */
  async tokensCurrent(operation: string, tags: Readonly<Record<string, string>>): Promise<boolean> {
    const current = await this.fetchTokens(operation, Object.keys(tags));
    return Object.entries(tags).every(([tag, token]) => current.get(tag) === token);
  }

  /** Decodes many stored values and validates their tags with one extra round trip at most. */
  async readMany(operation: string, data: readonly (Buffer | undefined)[]): Promise<(CacheEntry | undefined)[]> {
    const entries = await Promise.all(data.map((bytes, i) => (bytes ? this.decode(String(i), bytes) : undefined)));
    const tags = [...new Set(entries.flatMap((entry) => Object.keys(entry?.tags ?? {})))];
    const current = tags.length ? await this.fetchTokens(operation, tags) : new Map<string, string | undefined>();
    return entries.map((entry) => {
      if (!entry || isStale(entry)) return undefined;
      const valid = Object.entries(entry.tags ?? {}).every(([tag, token]) => current.get(tag) === token);
      return valid ? entry : undefined;
    });
  }

  /** Encodes an entry; returns undefined when it is too large and the cache skips such values. */
  async encode(userKey: string, entry: CacheEntry): Promise<Buffer | undefined> {
    const { serializer, options, logger } = this.context;
    if (entry.value === undefined) {
      throw new CacheSerializationError(
        userKey,
        codecName(options.codec),
        'undefined cannot be stored (it means a miss)',
      );
    }
    let data: Buffer;
    try {
      data = await serializer.serialize(entry);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CacheSerializationError(userKey, codecName(options.codec), reason, { cause: error });
    }
    if (options.maxValueBytes !== undefined && data.length > options.maxValueBytes) {
      const error = new CacheValueTooLargeError(userKey, data.length, options.maxValueBytes);
      if (options.onValueTooLarge === 'throw') throw error;
      logger.warn(`Cache "${options.name}": ${error.message} Skipped.`);
      return undefined;
    }
    return data;
  }

  private decode(storedKey: string, data: Buffer): CacheEntry | undefined | Promise<CacheEntry | undefined> {
    try {
      const entry = this.context.serializer.deserialize(data);
      return entry instanceof Promise ? entry.catch((error: unknown) => this.undecodable(storedKey, error)) : entry;
    } catch (error) {
      return this.undecodable(storedKey, error);
    }
  }

  private undecodable(storedKey: string, error: unknown): undefined {
    if (!(error instanceof CacheDecodeError)) throw error;
    this.context.stats.decodeErrors++;
    this.context.logger.warn(`Cache "${this.context.options.name}": treating ${storedKey} as a miss. ${error.message}`);
    return undefined;
  }

  private async tagsCurrent(
    operation: string,
    entryTags: Readonly<Record<string, string>>,
    known: Map<string, string | undefined>,
  ): Promise<boolean> {
    const unknown = Object.keys(entryTags).filter((tag) => !known.has(tag));
    const current = unknown.length ? new Map([...known, ...(await this.fetchTokens(operation, unknown))]) : known;
    return Object.entries(entryTags).every(([tag, token]) => current.get(tag) === token);
  }

  private async fetchTokens(operation: string, tags: readonly string[]): Promise<Map<string, string | undefined>> {
    const { store, guard, keys } = this.context;
    const tokens = await guard.run(
      operation,
      () => store.getMany(tags.map((tag) => keys.tag(tag))),
      () => tags.map(() => undefined),
    );
    return new Map(tags.map((tag, i) => [tag, tokens[i]?.toString('utf8')]));
  }
}

function isStale(entry: CacheEntry): boolean {
  return entry.freshUntil !== undefined && Date.now() >= entry.freshUntil;
}

function codecName(codec: string | { id: string }): string {
  return typeof codec === 'string' ? codec : codec.id;
}
