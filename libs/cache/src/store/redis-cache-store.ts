import type { Cluster, Redis } from 'ioredis';
import type { InProcessSizes } from '../in-process-sizes.js';
import type { StoreTtl, ThrottleHit } from './cache-store.interface.js';
import { BaseCacheStore, newToken } from './base-cache-store.js';
import { withStashScripts, type StashScripts } from './lua/lua-scripts.js';
import { CacheValueError } from '../errors/cache-value.error.js';
import { isConnectivityError } from '../faults/connectivity-error.js';
import { whenReady } from '../connection/redis-connections.js';
import { withinCommandTimeout } from '../connection/command-timeout.js';
import { ClusterBatches, ttlToMs } from './cluster-batches.js';
import { sameSlot } from './slot-groups.js';

const SCAN_COUNT = 500;

/**
 * The Redis backend: native commands for every derived operation, Lua where atomicity needs it. Every command is
 * bounded by `commandTimeoutMs` through `withinCommandTimeout` (see there why not by ioredis's timer alone).
 * On a Redis Cluster the multi-key operations are split by hash slot (`ClusterBatches`); every Lua script names
 * one key, so it runs on that key's master.
 */
export class RedisCacheStore extends BaseCacheStore {
  private readonly client: (Redis | Cluster) & StashScripts;
  private readonly cluster: ClusterBatches | undefined;

  /**
   * @param commandTimeoutMs how long a command may wait for its reply (the cache's `commandTimeout`).
   * @param release called by `close()`; the connection registry decides whether the client is quit.
   */
  constructor(
    client: Redis | Cluster,
    private readonly commandTimeoutMs: number,
    private readonly release: () => Promise<void> = async () => undefined,
  ) {
    super();
    this.client = withStashScripts(client);
    const scripted = this.client;
    if (isCluster(scripted)) this.cluster = new ClusterBatches(scripted, (command) => this.send(command));
  }

  async get(key: string): Promise<Buffer | undefined> {
    return (await this.send(this.client.getBuffer(key))) ?? undefined;
  }

  async set(key: string, data: Buffer, ttl: StoreTtl): Promise<void> {
    if (ttl === null) await this.send(this.client.set(key, data));
    else await this.send(this.client.set(key, data, 'PX', toMs(ttl)));
  }

  async add(key: string, data: Buffer, ttl: StoreTtl): Promise<boolean> {
    const reply =
      ttl === null
        ? await this.send(this.client.set(key, data, 'NX'))
        : await this.send(this.client.set(key, data, 'PX', toMs(ttl), 'NX'));
    return reply === 'OK';
  }

  async delete(key: string): Promise<boolean> {
    return (await this.send(this.client.del(key))) === 1;
  }

  async clear(pattern: string, except?: string): Promise<number> {
    let count = 0;
    for await (const found of this.scan(pattern)) {
      const keys = except === undefined ? found : found.filter((key) => !key.startsWith(except));
      if (keys.length > 0) count += await this.unlink(keys);
    }
    return count;
  }

  async compareAndSet(key: string, expected: Buffer, data: Buffer | undefined, ttl: StoreTtl): Promise<boolean> {
    const ttlMs = ttl === null ? '' : toMs(ttl);
    return (await this.send(this.client.stashCompareAndSet(key, expected, data ?? '', ttlMs))) === 1;
  }

  override async getMany(keys: readonly string[]): Promise<(Buffer | undefined)[]> {
    if (keys.length === 0) return [];
    const values = this.cluster ? await this.cluster.getMany(keys) : await this.send(this.client.mgetBuffer(...keys));
    return values.map((value) => value ?? undefined);
  }

  override async setMany(entries: ReadonlyArray<readonly [string, Buffer]>, ttl: StoreTtl): Promise<string[]> {
    if (entries.length === 0) return [];
    if (this.cluster) return this.cluster.setMany(entries, ttlToMs(ttl));
    const pipeline = this.client.pipeline();
    for (const [key, data] of entries) {
      if (ttl === null) pipeline.set(key, data);
      else pipeline.set(key, data, 'PX', toMs(ttl));
    }
    const results = (await this.send(pipeline.exec())) ?? [];
    // exec() resolves even when every command timed out or the socket closed: a connectivity error among the
    // replies is thrown, so that the fault guard counts it, logs it and opens the breaker. Other per-command
    // errors (a reply error on one key) only fail that key.
    const fault = results.find(([error]) => isConnectivityError(error));
    if (fault) throw fault[0];
    return entries.filter((_, i) => !results[i] || results[i][0]).map(([key]) => key);
  }

  override async deleteMany(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.cluster ? this.cluster.deleteMany(keys) : this.send(this.client.del(...keys));
  }

  async incr(key: string, delta: number): Promise<number | undefined> {
    try {
      const value = await this.send(this.client.stashIncrExisting(key, delta));
      return value === null ? undefined : Number(value);
    } catch (error) {
      if (error instanceof Error && /not an integer|out of range|overflow/i.test(error.message)) {
        throw new CacheValueError(key, 'the stored value is not an integer, or the result overflows', { cause: error });
      }
      throw error;
    }
  }

  async rename(from: string, to: string): Promise<boolean> {
    if (this.cluster && !sameSlot(from, to)) return this.cluster.renameAcrossSlots(from, to);
    try {
      await this.send(this.client.rename(from, to));
      return true;
    } catch (error) {
      if (error instanceof Error && /no such key/i.test(error.message)) return false;
      throw error;
    }
  }

  async ttl(key: string): Promise<number | null | undefined> {
    const ms = await this.send(this.client.pttl(key));
    if (ms === -2) return undefined;
    return ms === -1 ? null : ms;
  }

  async *scan(pattern: string): AsyncIterable<string[]> {
    const nodes = isCluster(this.client) ? this.client.nodes('master') : [this.client];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await this.send(node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT));
        cursor = next;
        if (keys.length > 0) yield keys;
      } while (cursor !== '0');
    }
  }

  override async readWithTags(
    key: string,
    tagKeys: readonly string[],
  ): Promise<[Buffer | undefined, (string | undefined)[]]> {
    if (tagKeys.length === 0) return [await this.get(key), []];
    if (this.cluster) {
      const [data, tokens] = await this.cluster.readWithTags(key, tagKeys);
      return [data ?? undefined, tokens.map((token) => token?.toString('utf8'))];
    }
    const [[readError, data], [tagsError, tokens]] = ((await this.send(
      this.client
        .pipeline()
        .getBuffer(key)
        .mget(...tagKeys)
        .exec(),
    )) ?? []) as [[Error | null, Buffer | null], [Error | null, (string | null)[]]];
    if (readError ?? tagsError) throw readError ?? tagsError;
    return [data ?? undefined, tokens.map((token) => token ?? undefined)];
  }

  override async ensureTags(tagKeys: readonly string[]): Promise<string[]> {
    if (tagKeys.length === 0) return [];
    if (this.cluster) return this.cluster.ensureTags(tagKeys);
    const pipeline = this.client.pipeline();
    for (const tag of tagKeys) pipeline.set(tag, newToken(), 'NX').get(tag);
    const results = (await this.send(pipeline.exec())) ?? [];
    return tagKeys.map((_, i) => {
      const [error, token] = results[i * 2 + 1] ?? [new Error('no reply')];
      if (error) throw error;
      // Evicted between SET NX and GET: a token nothing carries keeps the entry invalid, which is safe.
      return typeof token === 'string' ? token : newToken();
    });
  }

  override async acquireLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.send(this.client.set(key, token, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'))) === 'OK';
  }

  async releaseLock(key: string, token: string): Promise<boolean> {
    return (await this.send(this.client.stashLockRelease(key, token))) === 1;
  }

  async extendLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.send(this.client.stashLockExtend(key, token, Math.max(1, Math.ceil(ttlMs))))) === 1;
  }

  override async throttle(key: string, ttlMs: number, limit: number, blockMs: number): Promise<ThrottleHit> {
    const [totalHits, leftMs, blocked, blockLeftMs] = await this.send(
      this.client.stashThrottle(key, ttlMs, limit, blockMs),
    );
    return { totalHits, ttlMs: Math.max(0, leftMs), blocked: blocked === 1, blockMs: Math.max(0, blockLeftMs) };
  }

  /** Nothing: entries and rate-limit counters live in Redis. */
  override inProcessSizes(): InProcessSizes {
    return {};
  }

  override ready(timeoutMs: number): Promise<boolean> {
    return whenReady(this.client, timeoutMs);
  }

  async close(): Promise<void> {
    await this.release();
  }

  private send<T>(command: Promise<T>): Promise<T> {
    const bounded = withinCommandTimeout(command, this.commandTimeoutMs);
    return this.cluster ? this.cluster.refreshSlotsOnTimeout(bounded) : bounded;
  }

  private unlink(keys: string[]): Promise<number> {
    return this.cluster ? this.cluster.unlink(keys) : this.send(this.client.unlink(...keys));
  }
}

function toMs(ttlSeconds: number): number {
  return ttlToMs(ttlSeconds) as number;
}

function isCluster(client: Redis | Cluster): client is Cluster {
  return (client as Cluster).isCluster === true;
}
