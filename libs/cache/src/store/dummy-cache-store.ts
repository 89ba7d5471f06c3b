import type { StoreTtl } from './cache-store.interface.js';
import { BaseCacheStore, newToken } from './base-cache-store.js';

/**
 * Django's DummyCache: stores nothing. Every read misses, writes succeed and are dropped, `add` reports that it
 * stored, deletes find nothing, `incr` meets a missing key, and locks are always free (no mutual exclusion).
 * Tags get throwaway tokens. Rate-limit counters are kept in process (`BaseCacheStore.throttle`).
 */
export class DummyCacheStore extends BaseCacheStore {
  async get(_key: string): Promise<Buffer | undefined> {
    return undefined;
  }

  async set(_key: string, _data: Buffer, _ttl: StoreTtl): Promise<void> {}

  async add(_key: string, _data: Buffer, _ttl: StoreTtl): Promise<boolean> {
    return true;
  }

  async delete(_key: string): Promise<boolean> {
    return false;
  }

  async clear(_pattern: string, _except?: string): Promise<number> {
    return 0;
  }

  async compareAndSet(_key: string, _expected: Buffer, _data: Buffer | undefined, _ttl: StoreTtl): Promise<boolean> {
    return false;
  }

  async incr(_key: string, _delta: number): Promise<number | undefined> {
    return undefined;
  }

  async rename(_from: string, _to: string): Promise<boolean> {
    return false;
  }

  async ttl(_key: string): Promise<number | null | undefined> {
    return undefined;
  }

  async *scan(_pattern: string): AsyncIterable<string[]> {}

  override async ensureTags(tagKeys: readonly string[]): Promise<string[]> {
    return tagKeys.map(() => newToken());
  }

  override async acquireLock(_key: string, _token: string, _ttlMs: number): Promise<boolean> {
    return true;
  }

  // Owner-checked release and extend succeed: the lock was "acquired", and nothing can have taken it over.
  async releaseLock(_key: string, _token: string): Promise<boolean> {
    return true;
  }

  async extendLock(_key: string, _token: string, _ttlMs: number): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
