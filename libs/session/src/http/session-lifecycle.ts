import { Inject, Injectable, type LoggerService } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import { SessionNotLoadedError } from '../errors/session-not-loaded.error.js';
import { SessionFaults } from '../faults/session-faults.js';
import type { ResolvedSessionOptions } from '../session-options.js';
import { SESSION_LOGGER, SESSION_OPTIONS } from '../session.constants.js';
import type { StashSession } from '../stash-session.js';
import { SessionEngine } from '../store/session-engine.js';
import { applyCookieAttributes, installExpiryPolicy, signSessionId } from './session-cookie.js';
import { createSessionHandler } from './session-handler.js';

interface RequestState {
  readonly res: Response;
  phase: 'idle' | 'loading' | 'loaded' | 'failed';
  loading?: Promise<void>;
  // The id the session had when it was loaded (stored, or generated for a request without one).
  loadedId?: string;
  // The id the request's cookie named, when that session was found in the store.
  storedId?: string;
  expiryChanged?: boolean;
}

// A request's session from start to end. The middleware attaches the request; the session is loaded (by running
// express-session for it) only when a handler or `SessionService` needs it, so routes that do not use the session
// never touch Redis and keep answering while it is down; it is committed before the response.
@Injectable()
export class SessionLifecycle {
  private readonly states = new WeakMap<Request, RequestState>();
  private handler?: RequestHandler;

  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly engine: SessionEngine,
    private readonly faults: SessionFaults,
    @Inject(SESSION_LOGGER) private readonly logger: LoggerService,
  ) {}

  attach(req: Request, res: Response): void {
    if (this.states.has(req)) return;
    const state: RequestState = { res, phase: 'idle' };
    this.states.set(req, state);
    Object.defineProperty(req, 'session', {
      configurable: true,
      enumerable: false,
      get() {
        // A clear error instead of "cannot read properties of undefined" in a handler that forgot to ask.
        if (state.phase === 'idle')
          throw new SessionNotLoadedError("this route's handler does not declare that it uses the session");
        return undefined;
      },
      set(value: unknown) {
        Object.defineProperty(req, 'session', { configurable: true, enumerable: true, writable: true, value });
      },
    });
  }

  async load(req: Request): Promise<StashSession> {
    const state = this.states.get(req);
    if (!state) {
      throw new SessionNotLoadedError(
        'the SessionModule middleware did not run for this request (is SessionModule imported?)',
      );
    }
    state.loading ??= this.run(req, state);
    await state.loading;
    return req.session as StashSession;
  }

  isLoaded(req: Request): boolean {
    return this.states.get(req)?.phase === 'loaded' && req.session !== undefined;
  }

  // Applies the cookie policy to `req.session`; call it after replacing the session (cycleKey, flush).
  adopt(req: Request): void {
    applyCookieAttributes(req.session.cookie, this.options.cookie, req.secure);
    installExpiryPolicy(req.session, this.options);
  }

  // Records that `setExpiry` changed the session's expiry policy in this request.
  expiryChanged(req: Request): void {
    const state = this.states.get(req);
    if (state) state.expiryChanged = true;
  }

  // Saves the session before the response if this request changed it (or `saveEveryRequest` is on).
  async commit(req: Request): Promise<void> {
    const state = this.states.get(req);
    // With @Res() the handler has sent the response itself; express-session saves at its end.
    if (!this.isLoaded(req) || state!.res.headersSent) return;
    const session = req.session;
    if (state!.loadedId !== req.sessionID && !hasData(session)) {
      // Replaced (flush, logout) and left empty: as Django does, store nothing, and delete the cookie of a session
      // that was stored (express-session would otherwise store the new, empty session and send its cookie).
      this.detach(req, { clearCookie: state!.storedId !== undefined });
      return;
    }
    try {
      if (!this.options.saveEveryRequest && !this.engine.store.needsSave(req.sessionID, session)) return;
      // As express-session does before its own save: a saved session's expiry counts from now.
      session.touch();
      await new Promise<void>((resolve, reject) => session.save((error) => (error ? reject(error) : resolve())));
    } catch (error) {
      this.detach(req);
      throw this.faults.translate('save', error);
    }
    this.resendBrowserSessionCookie(req, state!);
  }

  // Forgets the session for the rest of the request: express-session neither saves it nor sets a cookie.
  detach(req: Request, options: { clearCookie?: boolean } = {}): void {
    const state = this.states.get(req);
    if (!this.isLoaded(req)) return;
    delete (req as { session?: unknown }).session;
    if (options.clearCookie && !state!.res.headersSent) {
      const { name, path, domain, httpOnly, sameSite, secure } = this.options.cookie;
      state!.res.clearCookie(name, {
        path,
        domain,
        httpOnly,
        sameSite: sameSite === false ? undefined : sameSite,
        secure: secure === 'auto' ? req.secure : secure,
      });
    }
  }

  // express-session re-sends the cookie of an existing session only when it has an expiry (or with rolling),
  // so a switch to a browser-session cookie (setExpiry(0)) would never reach the browser.
  private resendBrowserSessionCookie(req: Request, state: RequestState): void {
    const rolling = this.options.rolling || this.options.saveEveryRequest;
    if (!state.expiryChanged || rolling || req.session.cookie.expires || state.storedId !== req.sessionID) return;
    const { name } = this.options.cookie;
    const { path, domain, httpOnly, secure, sameSite } = req.session.cookie;
    const value = signSessionId(req.sessionID, this.options.secrets[0]!);
    state.res.cookie(name, value, { path, domain, httpOnly, secure: secure === true, sameSite });
  }

  private run(req: Request, state: RequestState): Promise<void> {
    state.phase = 'loading';
    const handler = (this.handler ??= createSessionHandler(this.options, this.engine.store));
    return new Promise((resolve, reject) => {
      let settled = false;
      handler(req, state.res, (error?: unknown) => {
        if (settled) {
          // express-session reports failures of its end-of-response save or touch here, after the response.
          if (error)
            this.logger.error(`Session write after the response failed: ${(error as Error)?.message ?? error}`);
          return;
        }
        settled = true;
        if (error) {
          state.phase = 'failed';
          reject(this.faults.translate('load', error));
          return;
        }
        state.phase = 'loaded';
        if (!req.session) {
          reject(
            new SessionNotLoadedError(
              `the request path is outside the session cookie path "${this.options.cookie.path}"`,
            ),
          );
          return;
        }
        state.loadedId = req.sessionID;
        if (this.engine.store.isStored(req.session)) state.storedId = req.sessionID;
        this.adopt(req);
        state.res.vary('Cookie');
        resolve();
      });
    });
  }
}

function hasData(session: object): boolean {
  return Object.keys(session).some((key) => key !== 'cookie');
}
