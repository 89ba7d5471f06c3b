import type { Cluster } from 'ioredis';
import type { StoreTtl } from './cache-store.interface.js';
import type { StashScripts } from './lua/lua-scripts.js';
import { newToken } from './base-cache-store.js';
import { groupBySlot } from './slot-groups.js';
import { CommandTimeoutError } from '../errors/command-timeout.error.js';
import { isConnectivityError } from '../faults/connectivity-error.js';

/** Bounds one command by the store's timeout. */
export type SendCommand = <T>(command: Promise<T>) => Promise<T>;

/**
 * The store's multi-key operations on a Redis Cluster, where one command may only name keys of one hash slot:
 * each is split by slot and the per-slot commands are sent at once (ioredis routes each to its master), so a
 * batch still costs one round trip per master in wall time. None of them is atomic across slots; on a single
 * Redis the store keeps its one-command forms.
 */
export class ClusterBatches {
  constructor(
    private readonly client: Cluster & StashScripts,
    private readonly send: SendCommand,
  ) {}

  /**
   * Refreshes the slot map when a command timed out: a stalled master neither answers nor closes its socket, so
   * only a fresh CLUSTER SLOTS tells the client that its replica took over (ioredis de-duplicates refreshes).
   */
  refreshSlotsOnTimeout<T>(command: Promise<T>): Promise<T> {
    return command.catch((error: unknown) => {
      if (error instanceof CommandTimeoutError) this.client.refreshSlotsCache();
      throw error;
    });
  }

  async getMany(keys: readonly string[]): Promise<(Buffer | null)[]> {
    const values = new Array<Buffer | null>(keys.length).fill(null);
    await Promise.all(
      groupBySlot(keys).map(async (group) => {
        const found = await this.send(this.client.mgetBuffer(...group.keys));
        group.positions.forEach((position, i) => (values[position] = found[i] ?? null));
      }),
    );
    return values;
  }

  /** Returns the keys not stored; throws when any write met a connectivity fault (see RedisCacheStore.setMany). */
  async setMany(entries: ReadonlyArray<readonly [string, Buffer]>, ttlMs: number | null): Promise<string[]> {
    const results = await Promise.allSettled(
      entries.map(([key, data]) =>
        this.send(ttlMs === null ? this.client.set(key, data) : this.client.set(key, data, 'PX', ttlMs)),
      ),
    );
    const fault = results.find((result) => result.status === 'rejected' && isConnectivityError(result.reason));
    if (fault) throw (fault as PromiseRejectedResult).reason;
    return entries.filter((_, i) => results[i].status === 'rejected').map(([key]) => key);
  }

  async deleteMany(keys: readonly string[]): Promise<number> {
    const counts = await Promise.all(groupBySlot(keys).map((group) => this.send(this.client.del(...group.keys))));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  async unlink(keys: readonly string[]): Promise<number> {
    const counts = await Promise.all(groupBySlot(keys).map((group) => this.send(this.client.unlink(...group.keys))));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /** The value and the tag tokens, read concurrently (the key and its tags live in different slots). */
  async readWithTags(key: string, tagKeys: readonly string[]): Promise<[Buffer | null, (Buffer | null)[]]> {
    return Promise.all([this.send(this.client.getBuffer(key)), this.getMany(tagKeys)]);
  }

  async ensureTags(tagKeys: readonly string[]): Promise<string[]> {
    return Promise.all(
      tagKeys.map(async (tag) => {
        // SET NX then GET of one key: a single-slot pipeline, one round trip per tag.
        const results = (await this.send(this.client.pipeline().set(tag, newToken(), 'NX').get(tag).exec())) ?? [];
        const [error, token] = results[1] ?? [new Error('no reply')];
        if (error) throw error;
        // Evicted between SET NX and GET: a token nothing carries keeps the entry invalid, which is safe.
        return typeof token === 'string' ? token : newToken();
      }),
    );
  }

  /**
   * RENAME for keys in different slots: copies the value and its remaining TTL to `to`, then deletes `from` only
   * while it still holds the copied bytes. Not atomic: a reader may briefly see both keys, and a write to `from`
   * during the move stays at `from` (it is not lost, and not moved).
   */
  async renameAcrossSlots(from: string, to: string): Promise<boolean> {
    const read = (await this.send(this.client.multi().getBuffer(from).pttl(from).exec())) ?? [];
    const [[readError, data], [ttlError, ttlMs]] = read as [[Error | null, Buffer | null], [Error | null, number]];
    if (readError ?? ttlError) throw readError ?? ttlError;
    if (data === null || ttlMs === -2) return false;
    if (ttlMs === -1) await this.send(this.client.set(to, data));
    else await this.send(this.client.set(to, data, 'PX', Math.max(1, ttlMs)));
    await this.send(this.client.stashLockRelease(from, data));
    return true;
  }
}

/** A TTL in seconds as the milliseconds of SET PX (null: never expires). */
export function ttlToMs(ttl: StoreTtl): number | null {
  return ttl === null ? null : Math.max(1, Math.ceil(ttl * 1000));
}
