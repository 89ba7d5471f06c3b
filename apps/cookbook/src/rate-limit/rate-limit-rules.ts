/** The cookbook's rate limits: sign-in attempts, and writes (through the API or a form). */
export type RateLimitKind = 'login' | 'api-write';

/** The window of both limits, and how long a client that went over waits, in milliseconds. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/**
 * Who a sign-in attempt counts against: the client and the username it tries, lower-cased, so one client can
 * neither guess a password faster by changing the case nor lock out other users by failing with one name. `ip` is
 * Express's `req.ip`, the socket's address: X-Forwarded-For is not believed, as no proxy is trusted.
 */
export function loginTracker(ip: string | undefined, body: unknown): string {
  const username =
    typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>).username === 'string'
      ? ((body as Record<string, unknown>).username as string)
      : '';
  return `login:${ip ?? 'unknown'}:${username.trim().toLowerCase()}`;
}

/** Who a write counts against: the signed-in user, else (it will be refused) the client. */
export function apiWriteTracker(ip: string | undefined, userId: string | undefined): string {
  return userId === undefined ? `ip:${ip ?? 'unknown'}` : `user:${userId}`;
}
