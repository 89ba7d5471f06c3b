import type { SessionKeys } from '../keys/session-keys.js';
import { readMeta } from '../session-meta.js';
import type { BoundedRedis } from './bounded-redis.js';
import type { SessionCommands } from './session-commands.js';
import { parseSessionData } from './session-snapshot.js';
import type { UserSession } from './user-session.interface.js';

// The per-user session index connect-redis lacks: for each user, a sorted set of session ids scored by expiry (and
// one scored by last request). Entries are added by the store's save and touch scripts, pruned with the expired
// range on every write and list, and the sets expire with the user's last session.
export class UserSessionIndex {
  constructor(
    private readonly redis: BoundedRedis,
    private readonly commands: SessionCommands,
    private readonly keys: SessionKeys,
  ) {}

  async list(userId: string): Promise<UserSession[]> {
    const index = this.keys.userIndex(userId);
    const [expiry, seen] = await this.redis.send((client) =>
      client.stashSessionList(index.expiry, index.seen, Date.now()),
    );
    const expiresAt = pairs(expiry);
    const seenAt = pairs(seen);
    const ids = [...expiresAt.keys()];
    if (ids.length === 0) return [];
    const stored = await this.commands.readMany(ids);
    const sessions: UserSession[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const raw = stored[i];
      const meta = raw ? readMeta(parseSessionData(raw)) : undefined;
      // Deleted without the index being told (express-session's own destroy, eviction): drop the entry.
      if (meta?.userId !== userId) {
        gone.push(id);
        return;
      }
      sessions.push({
        id,
        userId,
        createdAt: meta.createdAt === undefined ? undefined : new Date(meta.createdAt),
        lastSeenAt: new Date(seenAt.get(id) ?? meta.createdAt ?? 0),
        expiresAt: new Date(expiresAt.get(id)!),
        userAgent: meta.userAgent,
      });
    });
    if (gone.length) await this.commands.forget(userId, gone);
    return sessions.sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
  }

  // Deletes every session of the user but `except`, with their index entries; returns how many existed.
  async destroyAll(userId: string, except: readonly string[]): Promise<number> {
    const index = this.keys.userIndex(userId);
    const indexed = await this.redis.send((client) => client.zrange(index.expiry, '0', '-1'));
    const ids = indexed.filter((id) => !except.includes(id));
    if (ids.length === 0) return 0;
    return this.commands.destroyMany(userId, ids);
  }
}

function pairs(flat: string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(flat[i]!, Number(flat[i + 1]));
  return map;
}
