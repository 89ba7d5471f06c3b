import { SessionReplicationError } from '../errors/session-replication.error.js';
import type { SessionKeys } from '../keys/session-keys.js';
import type { BoundedRedis } from './bounded-redis.js';

// How many replicas must acknowledge a deletion (`durableDestroy`), and for how long to wait for them.
export interface DeleteDurability {
  readonly replicas: number;
  readonly timeoutMs: number;
}

// The Redis commands behind the store and the index, on one Redis (a standalone server or a Sentinel master): a
// session and its user's index entry are written by one script or one MULTI, atomically, in one round trip.
// `ClusterSessionCommands` splits the same operations by hash slot. Each command is bounded (BoundedRedis.send).
export class SessionCommands {
  constructor(
    protected readonly redis: BoundedRedis,
    protected readonly keys: SessionKeys,
    protected readonly durability: DeleteDurability | undefined,
  ) {}

  // Compare-and-set write (save.lua): 1 written, 0 the session no longer exists, -1 it changed since `expected`.
  save(sid: string, expected: string, text: string, ttlMs: number, userId: string | undefined): Promise<number> {
    const keys = this.keysFor(sid, userId);
    return this.redis.send((client) =>
      client.stashSessionSave(keys.length, ...keys, expected, text, ttlMs, sid, Date.now()),
    );
  }

  // Extends the TTL to `ttlMs` (rolling sessions; undefined keeps it) and records the request in the index.
  async touch(sid: string, ttlMs: number | undefined, userId: string | undefined): Promise<void> {
    const keys = this.keysFor(sid, userId);
    await this.redis.send((client) =>
      client.stashSessionTouch(keys.length, ...keys, ttlMs === undefined ? '' : ttlMs, sid, Date.now()),
    );
  }

  async destroy(sid: string, userId: string | undefined): Promise<void> {
    const index = userId ? this.keys.userIndex(userId) : undefined;
    const results = await this.redis.send((client) => {
      const multi = client.multi().del(this.keys.session(sid));
      if (index) multi.zrem(index.expiry, sid).zrem(index.seen, sid);
      return multi.exec();
    });
    throwFailed(results);
    await this.confirmDeletion();
  }

  // Deletes the sessions `ids` of `userId` and their index entries; returns how many sessions existed.
  async destroyMany(userId: string, ids: readonly string[]): Promise<number> {
    const index = this.keys.userIndex(userId);
    const results = await this.redis.send((client) =>
      client
        .multi()
        .del(...ids.map((id) => this.keys.session(id)))
        .zrem(index.expiry, ...ids)
        .zrem(index.seen, ...ids)
        .exec(),
    );
    throwFailed(results);
    await this.confirmDeletion();
    return Number(results?.[0]?.[1] ?? 0);
  }

  // The stored sessions `ids`, in order (null where gone).
  readMany(ids: readonly string[]): Promise<Array<string | null>> {
    const keys = ids.map((id) => this.keys.session(id));
    return this.redis.send((client) => client.mget(...keys));
  }

  // Removes index entries of sessions that are gone (both sets of a user share a slot, even on a cluster).
  async forget(userId: string, ids: readonly string[]): Promise<void> {
    const index = this.keys.userIndex(userId);
    throwFailed(
      await this.redis.send((client) =>
        client
          .multi()
          .zrem(index.expiry, ...ids)
          .zrem(index.seen, ...ids)
          .exec(),
      ),
    );
  }

  // WAIT on the connection that sent the deletion: it covers every write that connection sent before it.
  private async confirmDeletion(): Promise<void> {
    const durability = this.durability;
    if (!durability) return;
    const acknowledged = await this.redis.send(
      (client) => client.wait(durability.replicas, durability.timeoutMs),
      durability.timeoutMs,
    );
    checkAcknowledged(acknowledged, durability);
  }

  private keysFor(sid: string, userId: string | undefined): string[] {
    const keys = [this.keys.session(sid)];
    if (userId) {
      const index = this.keys.userIndex(userId);
      keys.push(index.expiry, index.seen);
    }
    return keys;
  }
}

export function checkAcknowledged(acknowledged: number, durability: DeleteDurability): void {
  if (acknowledged < durability.replicas) {
    throw new SessionReplicationError(acknowledged, durability.replicas, durability.timeoutMs);
  }
}

export function throwFailed(results: Array<[error: Error | null, result: unknown]> | null): void {
  const failed = results?.find(([error]) => error);
  if (failed) throw failed[0];
}
