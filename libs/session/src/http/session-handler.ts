import type { RequestHandler } from 'express';
import session, { type CookieOptions, type Store } from 'express-session';
import type { ResolvedSessionOptions } from '../session-options.js';

export function createSessionHandler(options: ResolvedSessionOptions, store: Store): RequestHandler {
  const { cookie } = options;
  const cookieOptions: CookieOptions = {
    path: cookie.path,
    httpOnly: cookie.httpOnly,
    secure: cookie.secure,
    sameSite: cookie.sameSite === false ? undefined : cookie.sameSite,
  };
  if (cookie.domain !== undefined) cookieOptions.domain = cookie.domain;
  if (!options.expireAtBrowserClose) cookieOptions.maxAge = options.ttl * 1000;
  return session({
    store,
    secret: [...options.secrets],
    name: cookie.name,
    cookie: cookieOptions,
    // Django's SESSION_SAVE_EVERY_REQUEST also re-sends the cookie, as express-session does with `rolling`.
    resave: options.saveEveryRequest,
    rolling: options.rolling || options.saveEveryRequest,
    saveUninitialized: false,
    unset: 'keep',
    // `proxy` stays unset: express-session then uses req.secure, which honours Express's `trust proxy`.
  });
}
