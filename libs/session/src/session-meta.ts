/** What `@stash/session` keeps in a session under the reserved `_stash` key (Django keeps `_auth_user_id`). */
export interface StashSessionMeta {
  /** The user the session is bound to by `SessionService.login`. */
  userId?: string;
  /** When `login` bound the session (ms since the epoch). */
  createdAt?: number;
  /** The `User-Agent` of the login request (first 512 characters). */
  userAgent?: string;
  /** A custom expiry set by `setExpiry`: seconds of inactivity, 0 for browser close, or an ISO date. */
  expiry?: number | string;
}

declare module 'express-session' {
  interface SessionData {
    _stash?: StashSessionMeta;
  }
}

export const META_KEY = '_stash';

export function readMeta(data: object | null | undefined): StashSessionMeta | undefined {
  const raw = (data as Record<string, unknown> | null | undefined)?.[META_KEY];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const { userId, createdAt, userAgent, expiry } = raw as Record<string, unknown>;
  const meta: StashSessionMeta = {};
  if (typeof userId === 'string' && userId !== '') meta.userId = userId;
  if (typeof createdAt === 'number' && Number.isFinite(createdAt)) meta.createdAt = createdAt;
  if (typeof userAgent === 'string') meta.userAgent = userAgent;
  if ((typeof expiry === 'number' && Number.isFinite(expiry)) || typeof expiry === 'string') meta.expiry = expiry;
  return meta;
}

export function writeMeta(session: object, meta: StashSessionMeta): void {
  const target = session as Record<string, unknown>;
  const clean = Object.fromEntries(Object.entries(meta).filter(([, value]) => value !== undefined));
  if (Object.keys(clean).length === 0) delete target[META_KEY];
  else target[META_KEY] = clean;
}
