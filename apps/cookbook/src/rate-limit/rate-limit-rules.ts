/** The rate-limited kinds of request; everything else is not limited. */
export type ThrottledRequest = 'login' | 'api-write';

/** The window of both limits, and how long a client that went over waits, in milliseconds. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const LOGIN_PATHS = new Set(['/login', '/api/login']);
const API_SESSION_PATHS = new Set(['/api/login', '/api/logout']);

/**
 * Which limit applies to a request: sign-in attempts (`POST /login`, `POST /api/login`), API writes (POST, PUT,
 * PATCH and DELETE under `/api/`, except signing in and out), or none. `path` is the matched route's pattern
 * (`/api/recipes/:id`); it is normalised as Express matches routes (case-insensitively, with or without a
 * trailing slash), so `/API/Login/` cannot slip past the limit.
 */
export function throttledRequest(method: string, path: string): ThrottledRequest | undefined {
  const route = path.toLowerCase().replace(/\/+$/, '') || '/';
  const verb = method.toUpperCase();
  if (verb === 'POST' && LOGIN_PATHS.has(route)) return 'login';
  if (WRITE_METHODS.has(verb) && route.startsWith('/api/') && !API_SESSION_PATHS.has(route)) return 'api-write';
  return undefined;
}

/**
 * Who a sign-in attempt counts against: the client and the username it tries, lower-cased, so one client can
 * neither guess a password faster by changing the case nor lock out other users by failing with one name.
 */
export function loginTracker(ip: string | undefined, body: unknown): string {
  const username =
    typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>).username === 'string'
      ? ((body as Record<string, unknown>).username as string)
      : '';
  return `login:${ip ?? 'unknown'}:${username.trim().toLowerCase()}`;
}

/** Who an API write counts against: the signed-in user, else (it will be refused with 401) the client. */
export function apiWriteTracker(ip: string | undefined, userId: string | undefined): string {
  return userId === undefined ? `ip:${ip ?? 'unknown'}` : `user:${userId}`;
}
