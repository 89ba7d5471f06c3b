import { randomBytes } from 'node:crypto';
import type { InProcessSizes } from '../in-process-sizes.js';
import type { CacheStore, StoreTtl, ThrottleHit } from './cache-store.interface.js';
import { MAX_THROTTLE_COUNTERS, ThrottleCounters } from './throttle-counters.js';

/** A fresh, unguessable tag or lock token. */
export function newToken(): string {
  return `${Date.now().toString(36)}.${randomBytes(9).toString('base64url')}`;
}

/**
 * Derives batch and tag operations from the single-key primitives, as Django's BaseCache does. Subclasses
 * override them where the backend has a native or atomic form.
 */
export abstract class BaseCacheStore implements CacheStore {
  private counters: ThrottleCounters | undefined;

  abstract get(key: string): Promise<Buffer | undefined>;
  abstract set(key: string, data: Buffer, ttl: StoreTtl): Promise<void>;
  abstract add(key: string, data: Buffer, ttl: StoreTtl): Promise<boolean>;
  abstract delete(key: string): Promise<boolean>;
  abstract clear(pattern: string, except?: string): Promise<number>;
  abstract compareAndSet(key: string, expected: Buffer, data: Buffer | undefined, ttl: StoreTtl): Promise<boolean>;
  abstract incr(key: string, delta: number): Promise<number | undefined>;
  abstract rename(from: string, to: string): Promise<boolean>;
  abstract ttl(key: string): Promise<number | null | undefined>;
  abstract scan(pattern: string): AsyncIterable<string[]>;
  abstract releaseLock(key: string, token: string): Promise<boolean>;
  abstract extendLock(key: string, token: string, ttlMs: number): Promise<boolean>;
  abstract close(): Promise<void>;

  async ready(_timeoutMs: number): Promise<boolean> {
    return true;
  }

  /** The in-process rate-limit counters (see `throttle`). */
  inProcessSizes(): InProcessSizes {
    return { throttleCounters: { size: this.counters?.size ?? 0, max: this.counters?.max ?? MAX_THROTTLE_COUNTERS } };
  }

  getMany(keys: readonly string[]): Promise<(Buffer | undefined)[]> {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  async setMany(entries: ReadonlyArray<readonly [string, Buffer]>, ttl: StoreTtl): Promise<string[]> {
    const results = await Promise.allSettled(entries.map(([key, data]) => this.set(key, data, ttl)));
    return entries.filter((_, i) => results[i]?.status === 'rejected').map(([key]) => key);
  }

  async deleteMany(keys: readonly string[]): Promise<number> {
    const deleted = await Promise.all(keys.map((key) => this.delete(key)));
    return deleted.filter(Boolean).length;
  }

  async readWithTags(key: string, tagKeys: readonly string[]): Promise<[Buffer | undefined, (string | undefined)[]]> {
    const [data, ...tokens] = await Promise.all([this.get(key), ...tagKeys.map((tag) => this.get(tag))]);
    return [data, tokens.map((token) => token?.toString('utf8'))];
  }

  async ensureTags(tagKeys: readonly string[]): Promise<string[]> {
    return Promise.all(
      tagKeys.map(async (tag) => {
        await this.add(tag, Buffer.from(newToken(), 'utf8'), null);
        const token = await this.get(tag);
        return token ? token.toString('utf8') : newToken();
      }),
    );
  }

  acquireLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return this.add(key, Buffer.from(token, 'utf8'), ttlMs / 1000);
  }

  /**
   * In-process counters, apart from the entries: a rate limit must survive the memory store's LRU eviction and
   * the dummy store's storing nothing.
   */
  async throttle(key: string, ttlMs: number, limit: number, blockMs: number): Promise<ThrottleHit> {
    this.counters ??= new ThrottleCounters();
    return this.counters.hit(key, ttlMs, limit, blockMs);
  }
}
