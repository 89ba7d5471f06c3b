import { createHash } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { RedisStore } from 'connect-redis';
import type { Request } from 'express';
import type { Session, SessionData } from 'express-session';
import { SessionContentionError } from '../errors/session-contention.error.js';
import { SessionInterruptedError } from '../errors/session-interrupted.error.js';
import type { SessionKeys } from '../keys/session-keys.js';
import { META_KEY, readMeta } from '../session-meta.js';
import type { BoundedRedis } from './bounded-redis.js';
import { storeClient } from './store-client.js';
import type { SessionCommands } from './session-commands.js';
import {
  applyChanges,
  dataChanged,
  diffSnapshots,
  parseSessionData,
  parseSnapshot,
  serializeSnapshot,
  snapshotSession,
  type SessionSnapshot,
} from './session-snapshot.js';
import { defineValue } from './define-value.js';
import { sessionTtlMs } from './session-ttl.js';

// What a request's session looked like in Redis when it was loaded or last saved.
interface Baseline {
  readonly sha1: string;
  readonly snapshot: SessionSnapshot;
  readonly savedThisRequest: boolean;
}

// connect-redis's own callback type; express-session's callbacks take typed data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Callback = (error?: unknown, data?: any) => unknown;

// Every round of the compare-and-set has a winner, so N requests writing one session at once need at most N
// attempts; 50 is far beyond what one browser sends.
const MAX_SAVE_ATTEMPTS = 50;

// connect-redis 8's RedisStore, subclassed rather than rewritten so that the key layout and the JSON format stay
// connect-redis's (sessions written by either are read by the other). Changed, see docs/session-design.md:
// - set merges the keys this request changed into the stored session (a compare-and-set script) instead of
//   overwriting it, so concurrent requests keep each other's writes, and it never recreates a deleted session;
// - set and touch maintain the user's session index (in the same script on one Redis; see SessionCommands);
// - get treats a stored value that is not a JSON session as no session (with a warning), not as an error;
// - connect-redis's own all/ids/length/clear/destroy send bounded commands too (on a Redis Cluster they scan every
//   master and split by slot).
export class StashRedisStore extends RedisStore {
  private readonly baselines = new WeakMap<object, Baseline>();

  constructor(
    private readonly redis: BoundedRedis,
    private readonly commands: SessionCommands,
    private readonly settings: { readonly keys: SessionKeys; readonly ttl: number; readonly rolling: boolean },
    private readonly logger: LoggerService,
  ) {
    const client = storeClient(redis);
    super({ client, prefix: settings.keys.prefix, ttl: settings.ttl });
    // connect-redis wraps the client it is given as if it were node-redis's or ioredis's; ours is already its shape.
    this.client = client;
  }

  override async get(sid: string, cb?: Callback): Promise<unknown> {
    try {
      const raw = await this.redis.send((client) => client.getBuffer(this.settings.keys.session(sid)));
      if (!raw) return done(cb, null, null);
      const data = parseSessionData(raw.toString('utf8'));
      if (!data) {
        this.logger.warn(`A stored session (${this.settings.keys.prefix}…) is not a JSON session; starting a new one.`);
        return done(cb, null, null);
      }
      this.baselines.set(data, {
        sha1: sha1(raw),
        snapshot: parseSnapshot(raw.toString('utf8'))!,
        savedThisRequest: false,
      });
      return done(cb, null, data);
    } catch (error) {
      return done(cb, error);
    }
  }

  // express-session inflates the object `get` returned; the baseline follows it to the Session object.
  override createSession(req: Request, data: SessionData): Session & SessionData {
    const baseline = this.baselines.get(data);
    const session = super.createSession(req, data);
    if (baseline) this.baselines.set(session, baseline);
    return session;
  }

  override async set(sid: string, sess: SessionData, cb?: Callback): Promise<unknown> {
    try {
      await this.write(sid, sess);
      return done(cb, null);
    } catch (error) {
      return done(cb, error);
    }
  }

  override async touch(sid: string, sess: SessionData, cb?: Callback): Promise<unknown> {
    try {
      // A session saved by this request already has its fresh TTL and index entry.
      if (this.baselines.get(sess)?.savedThisRequest) return done(cb, null);
      const userId = readMeta(sess)?.userId;
      if (!this.settings.rolling && !userId) return done(cb, null);
      const ttlMs = this.settings.rolling ? sessionTtlMs(sess.cookie, this.settings.ttl, Date.now()) : undefined;
      await this.commands.touch(sid, ttlMs, userId);
      return done(cb, null);
    } catch (error) {
      return done(cb, error);
    }
  }

  // Whether `session` is stored: read from Redis or saved by this request (not only generated for a new visitor).
  isStored(session: SessionData): boolean {
    return this.baselines.has(session);
  }

  // Whether saving `session` now would change what is stored (its data, not only its cookie).
  needsSave(sid: string, session: SessionData): boolean {
    const baseline = this.baselines.get(session);
    const current = snapshotSession(sid, session);
    if (!baseline) return [...current.keys()].some((key) => key !== 'cookie');
    return dataChanged(baseline.snapshot, current);
  }

  destroySession(sid: string, userId: string | undefined): Promise<void> {
    return this.commands.destroy(sid, userId);
  }

  private async write(sid: string, session: SessionData): Promise<void> {
    const current = snapshotSession(sid, session);
    const ttlMs = sessionTtlMs(session.cookie, this.settings.ttl, Date.now());
    if (ttlMs <= 0) {
      await this.destroySession(sid, readMeta(session)?.userId);
      return;
    }
    const baseline = this.baselines.get(session);
    if (!baseline) {
      // A new session (or a new id from cycleKey/flush): there is nothing stored to merge with.
      const text = serializeSnapshot(current);
      await this.commands.save(sid, '*', text, ttlMs, readMeta(session)?.userId);
      this.baselines.set(session, { sha1: sha1(text), snapshot: current, savedThisRequest: true });
      return;
    }
    const changes = diffSnapshots(baseline.snapshot, current);
    let next = current;
    let expected = baseline.sha1;
    for (let attempt = 1; attempt <= MAX_SAVE_ATTEMPTS; attempt++) {
      const text = serializeSnapshot(next);
      const written = await this.commands.save(sid, expected, text, ttlMs, userIdOf(next));
      if (written === 1) {
        if (next !== current) adopt(session, current, next);
        this.baselines.set(session, { sha1: sha1(text), snapshot: next, savedThisRequest: true });
        return;
      }
      // Deleted meanwhile (a logout elsewhere, destroyAllForUser): never bring it back.
      if (written === 0) throw new SessionInterruptedError(sid);
      const raw = await this.redis.send((client) => client.getBuffer(this.settings.keys.session(sid)));
      const stored = raw ? parseSnapshot(raw.toString('utf8')) : undefined;
      if (!raw || !stored) throw new SessionInterruptedError(sid);
      next = applyChanges(stored, changes);
      expected = sha1(raw);
    }
    throw new SessionContentionError(sid, MAX_SAVE_ATTEMPTS);
  }
}

// After a merge, the request's session shows what was stored, so a later save in the same request starts from it.
function adopt(session: SessionData, current: SessionSnapshot, merged: SessionSnapshot): void {
  const target = session as unknown as Record<string, unknown>;
  for (const [key, json] of merged) {
    // defineProperty, not assignment: a stored "__proto__" key must stay data, never become the prototype.
    if (key !== 'cookie' && current.get(key) !== json) defineValue(target, key, JSON.parse(json));
  }
  for (const key of current.keys()) if (key !== 'cookie' && !merged.has(key)) delete target[key];
}

function userIdOf(snapshot: SessionSnapshot): string | undefined {
  const meta = snapshot.get(META_KEY);
  return meta === undefined ? undefined : readMeta({ [META_KEY]: JSON.parse(meta) })?.userId;
}

function sha1(data: Buffer | string): string {
  return createHash('sha1').update(data).digest('hex');
}

// connect-redis's optionalCb: callback style for express-session, promise style for everyone else.
function done(cb: Callback | undefined, error: unknown, data?: unknown): unknown {
  if (cb) return cb(error, data);
  if (error) throw error;
  return data;
}
