import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { SessionFaults } from './faults/session-faults.js';
import { applyExpiry, expiryAgeSeconds, toExpiryPolicy } from './http/session-cookie.js';
import { SessionLifecycle } from './http/session-lifecycle.js';
import { normalizeUserId } from './keys/session-keys.js';
import { readMeta, writeMeta } from './session-meta.js';
import type { ResolvedSessionOptions } from './session-options.js';
import { SESSION_OPTIONS } from './session.constants.js';
import type { StashSession } from './stash-session.js';
import { SessionEngine } from './store/session-engine.js';
import { defineValue } from './store/define-value.js';
import type { UserSession } from './store/user-session.interface.js';

/** Options of `SessionService.destroyAllForUser`. */
export interface DestroyAllOptions {
  /** Session ids to keep, typically `req.sessionID` ("log out my other devices"). */
  except?: string | readonly string[];
}

const MAX_USER_AGENT_LENGTH = 512;

/**
 * Django's session API on a request: key cycling, flush, expiry control, plus a per-user session index. Every
 * method that touches Redis answers `SessionUnavailableException` (503) when it cannot be reached.
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly lifecycle: SessionLifecycle,
    private readonly engine: SessionEngine,
    private readonly faults: SessionFaults,
  ) {}

  /**
   * The request's session, loading it if the handler did not declare it uses it (for guards, middleware, or
   * handlers that take `@Req()`).
   * @throws SessionUnavailableException when Redis cannot be reached.
   */
  load<T extends object = Record<string, unknown>>(req: Request): Promise<StashSession<T>> {
    return this.lifecycle.load(req) as Promise<StashSession<T>>;
  }

  /** The user the session is bound to by `login`, if any. */
  async getUserId(req: Request): Promise<string | undefined> {
    return readMeta(await this.load(req))?.userId;
  }

  /**
   * Binds the session to a user (Django's `login`): cycles the key, so an id planted before login is
   * worthless, records the session in the user's index, and saves at once. A session bound to another user is
   * flushed rather than inherited.
   * @param userId a safe integer or a string without control characters; stored as a string.
   * @throws SessionArgumentError for an invalid user id.
   */
  async login(req: Request, userId: string | number): Promise<void> {
    const id = normalizeUserId('login', userId);
    const previous = readMeta(await this.load(req))?.userId;
    const userAgent = req.get('user-agent')?.slice(0, MAX_USER_AGENT_LENGTH);
    await this.replace('login', req, previous !== undefined && previous !== id ? 'flush' : 'cycle', (session) =>
      writeMeta(session, { ...readMeta(session), userId: id, createdAt: Date.now(), userAgent }),
    );
  }

  /** Signs the user out: `flush`. */
  logout(req: Request): Promise<void> {
    return this.flush(req);
  }

  /**
   * Django's `cycle_key`: a new session id with the same data; the old id stops working at once. Call it on
   * every privilege change.
   */
  cycleKey(req: Request): Promise<void> {
    return this.replace('cycleKey', req, 'cycle');
  }

  /** Django's `flush`: deletes the session's data and gives the request a new, empty session. */
  flush(req: Request): Promise<void> {
    return this.replace('flush', req, 'flush');
  }

  /** Deletes the session and clears the cookie; the request goes on without a session. */
  async destroy(req: Request): Promise<void> {
    const session = await this.load(req);
    await this.guard('destroy', () => this.engine.store.destroySession(req.sessionID, readMeta(session)?.userId));
    this.lifecycle.detach(req, { clearCookie: true });
  }

  /**
   * Django's `set_expiry`: whole seconds of inactivity, `0` for when the browser closes (the Redis entry still
   * expires after `ttl`), a `Date` for that moment, or `null` for the module's policy. Saved with the session.
   * @throws SessionArgumentError for negative, fractional or non-finite seconds, or an invalid Date.
   */
  async setExpiry(req: Request, expiry: number | Date | null): Promise<void> {
    const policy = toExpiryPolicy(expiry);
    const session = await this.load(req);
    writeMeta(session, { ...readMeta(session), expiry: policy });
    applyExpiry(session.cookie, policy, this.options);
    this.lifecycle.expiryChanged(req);
  }

  /** Django's `get_expiry_age`: seconds until the session expires if it were saved now. */
  async getExpiryAge(req: Request): Promise<number> {
    return expiryAgeSeconds(readMeta(await this.load(req))?.expiry, this.options, Date.now());
  }

  /** The user's live sessions, most recently seen first. Expired entries are pruned on the way. */
  listForUser(userId: string | number): Promise<UserSession[]> {
    const id = normalizeUserId('listForUser', userId);
    return this.guard('listForUser', () => this.engine.index.list(id));
  }

  /**
   * Signs a user out everywhere (after a password change), or everywhere but `except`.
   * @returns how many sessions were deleted.
   */
  destroyAllForUser(userId: string | number, options: DestroyAllOptions = {}): Promise<number> {
    const id = normalizeUserId('destroyAllForUser', userId);
    const except = typeof options.except === 'string' ? [options.except] : (options.except ?? []);
    return this.guard('destroyAllForUser', () => this.engine.index.destroyAll(id, except));
  }

  // Writes the new id before deleting the old one (Django's cycle_key order): a failure in between leaves the
  // old session intact rather than losing the data.
  private async replace(
    operation: string,
    req: Request,
    mode: 'cycle' | 'flush',
    prepare?: (session: Request['session']) => void,
  ): Promise<void> {
    const old = await this.load(req);
    const oldId = req.sessionID;
    const oldUser = readMeta(old)?.userId;
    const data = mode === 'cycle' ? Object.entries(old).filter(([key]) => key !== 'cookie') : [];
    req.sessionStore.generate(req);
    for (const [key, value] of data) defineValue(req.session, key, value);
    prepare?.(req.session);
    this.lifecycle.adopt(req);
    applyExpiry(req.session.cookie, readMeta(req.session)?.expiry, this.options);
    try {
      if (this.engine.store.needsSave(req.sessionID, req.session)) await save(req.session);
      // A session that was never stored (a visitor's first request) has nothing to delete, nor to WAIT for.
      if (this.engine.store.isStored(old)) await this.engine.store.destroySession(oldId, oldUser);
    } catch (error) {
      this.lifecycle.detach(req);
      throw this.faults.translate(operation, error);
    }
  }

  private async guard<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.faults.translate(operation, error);
    }
  }
}

function save(session: Request['session']): Promise<void> {
  return new Promise((resolve, reject) => session.save((error) => (error ? reject(error) : resolve())));
}
