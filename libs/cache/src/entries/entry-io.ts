import type { CacheEntry } from '../codec/cache-entry.js';
import type { EncodedValue, EntryMeta } from '../codec/entry-serializer.js';
import type { CacheContext } from './cache-context.js';
import { CacheDecodeError } from '../errors/cache-decode.error.js';
import { CacheSerializationError } from '../errors/cache-serialization.error.js';
import { CacheValueTooLargeError } from '../errors/cache-value-too-large.error.js';
import { errorMessage } from '../errors/error-message.js';
import { newToken } from '../store/base-cache-store.js';
import { readTokens, readWithTokens } from './tag-tokens.js';

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
   * token changed since it was computed is missing, never served. `quiet`: an undecodable value is a miss
   * without another warning (a second look at a key whose bytes were just reported).
   */
  async read(
    operation: string,
    storedKey: string,
    knownTags: readonly string[] = [],
    quiet = false,
  ): Promise<ReadOutcome> {
    const { store, guard } = this.context;
    let data: Buffer | undefined;
    let tokens: (string | undefined)[] = [];
    if (knownTags.length === 0) {
      data = await guard.run(operation, () => store.get(storedKey), NOTHING);
    } else {
      [data, tokens] = await guard.run(
        operation,
        () => readWithTokens(this.context, storedKey, knownTags),
        NOTHING_WITH_TAGS,
      );
    }
    if (!data) return MISSING;
    const decoded = this.decode(storedKey, data, quiet);
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
  async readMany(
    operation: string,
    storedKeys: readonly string[],
    data: readonly (Buffer | undefined)[],
  ): Promise<(CacheEntry | undefined)[]> {
    const entries = await Promise.all(data.map((bytes, i) => (bytes ? this.decode(storedKeys[i]!, bytes) : undefined)));
    const tags = [...new Set(entries.flatMap((entry) => Object.keys(entry?.tags ?? {})))];
    const current = tags.length ? await this.fetchTokens(operation, tags) : new Map<string, string | undefined>();
    return entries.map((entry) => {
      if (!entry || isStale(entry)) return undefined;
      const valid = Object.entries(entry.tags ?? {}).every(([tag, token]) => current.get(tag) === token);
      return valid ? entry : undefined;
    });
  }

  /**
   * Encodes an entry; returns undefined when it is too large and the cache skips such values (the warning says
   * the key's previous value is deleted: every caller that replaces a value deletes it then).
   */
  async encode(userKey: string, entry: CacheEntry): Promise<Buffer | undefined> {
    const { value, ...meta } = entry;
    const encoded = await this.prepare(userKey, value, Object.keys(meta.tags ?? {}));
    return encoded && this.finish(userKey, encoded, meta);
  }

  /**
   * Encodes a value and checks its stored size before any I/O, with placeholder tokens for `tags` (tokens all
   * have the same length), so that a bad or oversized value is refused before its tag tokens are created.
   * Returns undefined when it is too large and the cache skips such values.
   * @throws CacheSerializationError, CacheValueTooLargeError
   */
  async prepare(
    userKey: string,
    value: unknown,
    tags: readonly string[],
    replacing = true,
  ): Promise<EncodedValue | undefined> {
    const { serializer, options } = this.context;
    if (value === undefined) {
      throw new CacheSerializationError(
        userKey,
        codecName(options.codec),
        'undefined cannot be stored (it means a miss)',
      );
    }
    let encoded: EncodedValue;
    try {
      encoded = await serializer.encodeValue(value);
    } catch (error) {
      throw new CacheSerializationError(userKey, codecName(options.codec), errorMessage(error), { cause: error });
    }
    const placeholders = tags.length ? { tags: Object.fromEntries(tags.map((tag) => [tag, newToken()])) } : {};
    return this.fits(userKey, serializer.frame(encoded, placeholders), replacing) ? encoded : undefined;
  }

  /** Frames a prepared value with its metadata; undefined when the result is too large and skipped. */
  finish(userKey: string, encoded: EncodedValue, meta: EntryMeta, replacing = true): Buffer | undefined {
    const data = this.context.serializer.frame(encoded, meta);
    return this.fits(userKey, data, replacing) ? data : undefined;
  }

  /**
   * Whether stored bytes hold a value `get` would return (decodable, fresh, every tag token current). Store
   * errors propagate: the caller runs under the fault guard.
   */
  async isFresh(storedKey: string, data: Buffer): Promise<boolean> {
    const decoded = this.decode(storedKey, data);
    const entry = decoded instanceof Promise ? await decoded : decoded;
    if (!entry || isStale(entry)) return false;
    const tags = Object.entries(entry.tags ?? {});
    if (tags.length === 0) return true;
    const current = await readTokens(
      this.context,
      tags.map(([tag]) => tag),
    );
    return tags.every(([, token], i) => current[i] === token);
  }

  private fits(userKey: string, data: Buffer, replacing: boolean): boolean {
    const { options, logger } = this.context;
    if (options.maxValueBytes === undefined || data.length <= options.maxValueBytes) return true;
    const error = new CacheValueTooLargeError(userKey, data.length, options.maxValueBytes);
    if (options.onValueTooLarge === 'throw') throw error;
    // A skipped write must not leave the value it was meant to replace in place: the caller deletes it.
    const outcome = replacing ? "Skipped, and the key's previous value deleted." : 'Skipped.';
    logger.warn(`Cache "${options.name}": ${error.message} ${outcome}`);
    return false;
  }

  private decode(
    storedKey: string,
    data: Buffer,
    quiet = false,
  ): CacheEntry | undefined | Promise<CacheEntry | undefined> {
    try {
      const entry = this.context.serializer.deserialize(data);
      if (!(entry instanceof Promise)) return entry;
      return entry.catch((error: unknown) => this.undecodable(storedKey, error, quiet));
    } catch (error) {
      return this.undecodable(storedKey, error, quiet);
    }
  }

  private undecodable(storedKey: string, error: unknown, quiet: boolean): undefined {
    if (!(error instanceof CacheDecodeError)) throw error;
    if (quiet) return undefined;
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
    const tokens = await this.context.guard.run(
      operation,
      () => readTokens(this.context, tags),
      () => tags.map(() => undefined),
    );
    return new Map(tags.map((tag, i) => [tag, tokens[i]]));
  }
}

export function isStale(entry: Pick<CacheEntry, 'freshUntil'>): boolean {
  return entry.freshUntil !== undefined && Date.now() >= entry.freshUntil;
}

function codecName(codec: string | { id: string }): string {
  return typeof codec === 'string' ? codec : codec.id;
}
