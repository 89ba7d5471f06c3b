import type { InProcessSizes } from '../in-process-sizes.js';
import type { StoreTtl } from './cache-store.interface.js';
import { BaseCacheStore } from './base-cache-store.js';
import { CacheValueError } from '../errors/cache-value.error.js';

interface MemoryEntry {
  data: Buffer;
  expiresAt: number | null;
}

const RAW_INTEGER = /^-?\d{1,20}$/;
const ENTRY_OVERHEAD_BYTES = 64;

/**
 * Django's LocMemCache: a per-process store with the Redis store's semantics, bounded by entries and bytes
 * with least-recently-used eviction. Values are kept encoded, so sizes and serialization errors match Redis.
 */
export class MemoryCacheStore extends BaseCacheStore {
  private readonly entries = new Map<string, MemoryEntry>();
  private bytes = 0;

  constructor(private readonly bounds: { readonly maxEntries: number; readonly maxBytes: number }) {
    super();
  }

  /** Entries and bytes currently held (for stats and tests). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** The entries and their bytes (key and value, plus a fixed overhead each), then the rate-limit counters. */
  override inProcessSizes(): InProcessSizes {
    const { maxEntries, maxBytes } = this.bounds;
    return {
      memoryEntries: { size: this.entries.size, max: maxEntries },
      memoryBytes: { size: this.bytes, max: maxBytes },
      ...super.inProcessSizes(),
    };
  }

  async get(key: string): Promise<Buffer | undefined> {
    const entry = this.live(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.data;
  }

  async set(key: string, data: Buffer, ttl: StoreTtl): Promise<void> {
    this.write(key, data, expiry(ttl));
  }

  async add(key: string, data: Buffer, ttl: StoreTtl): Promise<boolean> {
    if (this.live(key)) return false;
    return this.write(key, data, expiry(ttl));
  }

  async delete(key: string): Promise<boolean> {
    const existed = this.live(key) !== undefined;
    this.remove(key);
    return existed;
  }

  async clear(pattern: string, except?: string): Promise<number> {
    const matcher = globToRegExp(pattern);
    let count = 0;
    for (const key of [...this.entries.keys()]) {
      if (except !== undefined && key.startsWith(except)) continue;
      if (matcher.test(key) && this.live(key)) {
        this.remove(key);
        count++;
      }
    }
    return count;
  }

  async compareAndSet(key: string, expected: Buffer, data: Buffer | undefined, ttl: StoreTtl): Promise<boolean> {
    // Synchronous from the read to the write, so no other call can slip in between (Redis runs it in Lua).
    const entry = this.live(key);
    if (!entry?.data.equals(expected)) return false;
    if (data) return this.write(key, data, expiry(ttl));
    entry.expiresAt = expiry(ttl);
    return true;
  }

  async incr(key: string, delta: number): Promise<number | undefined> {
    const entry = this.live(key);
    if (!entry) return undefined;
    const text = entry.data.toString('ascii');
    if (!RAW_INTEGER.test(text)) throw new CacheValueError(key, 'the stored value is not an integer');
    const next = Number(text) + delta;
    if (!Number.isSafeInteger(next)) throw new CacheValueError(key, 'the result is out of the safe integer range');
    this.write(key, Buffer.from(String(next), 'ascii'), entry.expiresAt);
    return next;
  }

  async rename(from: string, to: string): Promise<boolean> {
    const entry = this.live(from);
    if (!entry) return false;
    this.remove(from);
    this.write(to, entry.data, entry.expiresAt);
    return true;
  }

  async ttl(key: string): Promise<number | null | undefined> {
    const entry = this.live(key);
    if (!entry) return undefined;
    return entry.expiresAt === null ? null : entry.expiresAt - Date.now();
  }

  async *scan(pattern: string): AsyncIterable<string[]> {
    const matcher = globToRegExp(pattern);
    yield [...this.entries.keys()].filter((key) => matcher.test(key) && this.live(key));
  }

  async releaseLock(key: string, token: string): Promise<boolean> {
    if (this.live(key)?.data.toString('utf8') !== token) return false;
    this.remove(key);
    return true;
  }

  async extendLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    const entry = this.live(key);
    if (entry?.data.toString('utf8') !== token) return false;
    entry.expiresAt = Date.now() + ttlMs;
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
  }

  private live(key: string): MemoryEntry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
      this.remove(key);
      return undefined;
    }
    return entry;
  }

  /** Stores an entry (replacing the key's old one); false when it alone is larger than `maxBytes`. */
  private write(key: string, data: Buffer, expiresAt: number | null): boolean {
    this.remove(key);
    // Making room for it would evict every other entry and then the entry itself.
    if (sizeOf(key, data) > this.bounds.maxBytes) return false;
    this.entries.set(key, { data, expiresAt });
    this.bytes += sizeOf(key, data);
    this.evict();
    return true;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= sizeOf(key, entry.data);
  }

  private evict(): void {
    const { maxEntries, maxBytes } = this.bounds;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= maxEntries && this.bytes <= maxBytes) return;
      this.remove(key);
    }
  }
}

function expiry(ttl: StoreTtl): number | null {
  return ttl === null ? null : Date.now() + ttl * 1000;
}

function sizeOf(key: string, data: Buffer): number {
  return key.length * 2 + data.length + ENTRY_OVERHEAD_BYTES;
}

/** Redis glob semantics (`*`, `?`, `[...]`, `\` escapes) as a RegExp. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '\\' && i + 1 < glob.length) source += escapeRegExp(glob[++i]!);
    else if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else if (char === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) source += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        const negate = body.startsWith('^');
        if (negate) body = body.slice(1);
        source += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
        i = end;
      }
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
