import request, { type Response } from 'supertest';
import { cookieHeader, findSetCookie, sessionIdOf } from '../support/set-cookie.js';

/**
 * Every request goes out with this Host, whichever process it reaches, as behind a load balancer: the page cache
 * keys pages by absolute URL, so processes on different ports share a page only for the same Host.
 */
export const SHARED_HOST = 'localhost';

/** The fixtures' password of alice and bob. */
export const FIXTURE_PASSWORD = 'cookbook';

/** A GET of `path` on the cookbook at `baseUrl`, with the shared Host (and `cookie` when given). */
export function get(baseUrl: string, path: string, cookie?: string): request.Test {
  const pending = request(baseUrl).get(path).set('Host', SHARED_HOST);
  return cookie === undefined ? pending : pending.set('Cookie', cookie);
}

/** A JSON write (`method` `path` with `body`) on the cookbook at `baseUrl`, with the shared Host. */
export function send(
  baseUrl: string,
  method: 'post' | 'patch' | 'delete',
  path: string,
  body: object,
  cookie?: string,
): request.Test {
  const pending = request(baseUrl)[method](path).set('Host', SHARED_HOST).set('Content-Type', 'application/json');
  return (cookie === undefined ? pending : pending.set('Cookie', cookie)).send(body);
}

/** A signed-in session: its `Cookie` header and its session id. */
export interface SignedIn {
  readonly cookie: string;
  readonly sessionId: string;
}

/** Signs `username` in through `POST /api/login` on `baseUrl`; fails unless it answers 200 with a session cookie. */
export async function signIn(baseUrl: string, username: string): Promise<SignedIn> {
  const response = await send(baseUrl, 'post', '/api/login', { username, password: FIXTURE_PASSWORD });
  if (response.status !== 200) throw new Error(`Sign-in of ${username} answered ${response.status}: ${response.text}`);
  const cookie = findSetCookie(response.headers, 'sessionid');
  if (!cookie) throw new Error(`Sign-in of ${username} set no session cookie`);
  return { cookie: cookieHeader(cookie), sessionId: sessionIdOf(cookie) };
}

/** Who `GET /api/me` on `baseUrl` says the cookie belongs to: the username, or the status when not 200. */
export async function whoAmI(baseUrl: string, cookie: string): Promise<string | number> {
  const response: Response = await get(baseUrl, '/api/me', cookie);
  return response.status === 200 ? (response.body as { user: { username: string } }).user.username : response.status;
}
