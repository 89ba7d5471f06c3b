import { groupBySlot } from '@stash/cache';
import { mgetBySlot } from './store-client.js';
import { checkAcknowledged, SessionCommands, throwFailed } from './session-commands.js';

// The session commands on a Redis Cluster. A session key and its user's index sets live in different hash slots
// (often on different masters), so no script or MULTI can cover both. Each step touches one slot, in the order
// that keeps the index a superset of the user's live sessions, so that `destroyAll` ("log out everywhere") can
// never miss a session:
// - writes index the session BEFORE writing it (a failure in between leaves an entry for a session that does
//   not exist, which `list` prunes);
// - destroys delete the session BEFORE its index entry (a failure in between leaves the same harmless entry).
// The cost is a second round trip for saves and touches of sessions bound to a user.
export class ClusterSessionCommands extends SessionCommands {
  override async save(
    sid: string,
    expected: string,
    text: string,
    ttlMs: number,
    userId: string | undefined,
  ): Promise<number> {
    const now = Date.now();
    if (userId) await this.index(userId, sid, now + ttlMs, now);
    return this.redis.send((client) =>
      client.stashSessionSave(1, this.keys.session(sid), expected, text, ttlMs, sid, now),
    );
  }

  override async touch(sid: string, ttlMs: number | undefined, userId: string | undefined): Promise<void> {
    const now = Date.now();
    if (userId && ttlMs === undefined) {
      const index = this.keys.userIndex(userId);
      await this.redis.send((client) => client.stashSessionIndexSeen(index.expiry, index.seen, sid, now));
      return;
    }
    // Rolling: the entry's expiry moves first, so it never falls behind the session's.
    if (userId) await this.index(userId, sid, now + ttlMs!, now);
    const touched = await this.redis.send((client) =>
      client.stashSessionTouch(1, this.keys.session(sid), ttlMs ?? '', sid, now),
    );
    if (touched === 0 && userId) await this.forget(userId, [sid]);
  }

  override async destroy(sid: string, userId: string | undefined): Promise<void> {
    await this.deleteSessions([this.keys.session(sid)]);
    if (userId) await this.forget(userId, [sid]);
  }

  override async destroyMany(userId: string, ids: readonly string[]): Promise<number> {
    const keys = ids.map((id) => this.keys.session(id));
    const deleted = await Promise.all(groupBySlot(keys).map((group) => this.deleteSessions(group.keys)));
    await this.forget(userId, ids);
    return deleted.reduce((sum, count) => sum + count, 0);
  }

  // DEL of keys in one slot; with `durableDestroy`, WAIT in the same pipeline, so that it runs on the master that
  // deleted them (a WAIT of its own would go to a random node).
  private async deleteSessions(keys: string[]): Promise<number> {
    const durability = this.durability;
    if (!durability) return this.redis.send((client) => client.del(...keys));
    const results = await this.redis.send(
      (client) =>
        client
          .pipeline()
          .del(...keys)
          .wait(durability.replicas, durability.timeoutMs)
          .exec(),
      durability.timeoutMs,
    );
    throwFailed(results);
    checkAcknowledged(Number(results![1]![1]), durability);
    return Number(results![0]![1]);
  }

  override readMany(ids: readonly string[]): Promise<Array<string | null>> {
    return mgetBySlot(
      this.redis,
      ids.map((id) => this.keys.session(id)),
    );
  }

  private async index(userId: string, sid: string, expiresAt: number, now: number): Promise<void> {
    const index = this.keys.userIndex(userId);
    await this.redis.send((client) => client.stashSessionIndexAdd(index.expiry, index.seen, sid, expiresAt, now));
  }
}
