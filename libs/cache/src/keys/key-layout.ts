import { createHash } from 'node:crypto';
import type { ResolvedCacheOptions } from '../cache-options.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import { CacheKeyError } from '../errors/cache-key.error.js';
import { normalizeKey } from './entry-key.js';
import { escapeGlob } from './glob.js';

/**
 * Every key family of one cache. Entries use the key function (`prefix:version:key`); Stash's own keys sit
 * under `prefix:~<family>:`, which no integer version can produce, so they never collide with entries (a custom
 * key function that strays outside `prefix:` or into `prefix:~` is refused per key).
 */
export class KeyLayout {
  private readonly prefix: string;

  constructor(private readonly options: ResolvedCacheOptions) {
    this.prefix = options.keyPrefix;
  }

  /** Stored key of a user key at a version (the cache's version when omitted). */
  entry(key: unknown, version: unknown = this.options.version): string {
    const stored = this.options.keyFunction(
      normalizeKey(key, this.options.maxKeyLength),
      this.prefix,
      assertVersion(version),
    );
    // The default function always has an integer after the prefix; a custom one is checked on every key.
    if (this.options.customKeyFunction) {
      if (typeof stored !== 'string' || !stored.startsWith(`${this.prefix}:`)) {
        throw new CacheKeyError(key, `keyFunction returned ${String(stored)}, outside the "${this.prefix}:" namespace`);
      }
      if (stored.startsWith(`${this.prefix}:~`)) {
        throw new CacheKeyError(key, `keyFunction returned ${stored}, inside Stash's reserved "${this.prefix}:~" keys`);
      }
    }
    return stored;
  }

  /** Key holding a tag's current token. */
  tag(tag: unknown): string {
    return `${this.prefix}:~tag:${normalizeKey(tag, this.options.maxKeyLength)}`;
  }

  /** SCAN pattern matching every tag token of this cache. */
  everyTag(): string {
    return `${escapeGlob(this.prefix)}:~tag:*`;
  }

  /** Key of a user lock (`CacheService.lock`). */
  lock(name: unknown): string {
    return `${this.prefix}:~lock:${normalizeKey(name, this.options.maxKeyLength)}`;
  }

  /** Key of the cross-process fill lock that guards `getOrSet` for one stored key. */
  fill(storedKey: string): string {
    return `${this.prefix}:~fill:${storedKey.slice(this.prefix.length + 1)}`;
  }

  /**
   * Key of a rate-limit counter: the throttler's name, readable, and a digest of the tracker key (which may be
   * anything a `generateKey` returns: long, or holding control characters).
   */
  throttle(throttlerName: unknown, key: unknown): string {
    if (typeof key !== 'string' || key.length === 0)
      throw new CacheKeyError(key, 'throttler keys must be non-empty strings');
    const name = normalizeKey(throttlerName, this.options.maxKeyLength);
    return `${this.prefix}:~throttle:${name}:${createHash('sha256').update(key).digest('base64url')}`;
  }

  /** SCAN pattern matching every key of this cache, Stash's own included. */
  everything(): string {
    return `${escapeGlob(this.prefix)}:*`;
  }

  /**
   * Head of Stash's own keys (`prefix:~`: tag tokens, locks, fill locks, throttle counters), which no entry key
   * can start with.
   */
  reserved(): string {
    return `${this.prefix}:~`;
  }

  /** True for Stash's own keys: a pattern built by a custom key function may match them, entries never do. */
  isReserved(storedKey: string): boolean {
    return storedKey.startsWith(this.reserved());
  }

  /** SCAN pattern for a user glob at a version; the prefix and version are escaped, the glob is not. */
  pattern(glob: string, version: unknown = this.options.version): string {
    return this.options.keyFunction(glob, escapeGlob(this.prefix), assertVersion(version));
  }

  /** The user key of a stored entry key (the stored key itself under a custom key function). */
  userKey(storedKey: string, version = this.options.version): string {
    if (this.options.customKeyFunction) return storedKey;
    const head = `${this.prefix}:${version}:`;
    return storedKey.startsWith(head) ? storedKey.slice(head.length) : storedKey;
  }
}

// A version is part of the stored key: `{ version: '~tag' }` would write into Stash's own keys, and `1.5` or `NaN`
// into keys no integer version reads.
function assertVersion(version: unknown): number {
  if (!Number.isSafeInteger(version)) {
    throw new CacheArgumentError('cache call', 'version', version, "an integer (leave it out for the cache's version)");
  }
  return version as number;
}
