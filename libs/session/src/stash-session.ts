import type { Session, SessionData } from 'express-session';

/**
 * A request's session with your own fields typed: `@CurrentSession() session: StashSession<{ cart: string[] }>`.
 * Fields are optional, since a new session has none of them.
 */
export type StashSession<T extends object = Record<string, unknown>> = Session & Partial<SessionData> & Partial<T>;
