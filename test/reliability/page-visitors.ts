import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { TEST_SESSION_SECRET } from '../support/cookbook-env.js';
import { csrfTokenIn } from '../support/cookbook-pages.js';
import { cookieHeader, findSetCookie, sessionIdOf, signedSessionCookie } from '../support/set-cookie.js';

/** A signed-in user and what only they may ever see: their name, their CSRF token, their favourite. */
export interface Account {
  readonly username: string;
  readonly displayName: string;
  readonly cookie: string;
  readonly sessionId: string;
  readonly csrfToken: string;
  /** A recipe only they keep as a favourite for the whole run. */
  readonly favorite: number;
  /** A recipe only they mark and unmark during the run. */
  readonly toggled: number;
}

/** Who sends a request: a signed-in account, or a visitor who must be treated as anonymous. */
export type Visitor =
  | { readonly name: string; readonly kind: 'account'; readonly account: Account }
  | { readonly name: string; readonly kind: 'anonymous'; readonly cookie?: string };

/** Signs `username` in on the cookbook at `url` (password `cookbook`), reads their CSRF token, marks their favourite. */
export async function signIn(
  url: string,
  user: { username: string; displayName: string; favorite: number; toggled: number },
): Promise<Account> {
  const login = await request(url)
    .post('/api/login')
    .send({ username: user.username, password: 'cookbook' })
    .expect(200);
  const setCookie = findSetCookie(login.headers, 'sessionid')!;
  const cookie = cookieHeader(setCookie);
  const form = await request(url).get('/login').set('Cookie', cookie).expect(200);
  await request(url).post(`/api/recipes/${user.favorite}/favorite`).set('Cookie', cookie).send({}).expect(201);
  return { ...user, cookie, sessionId: sessionIdOf(setCookie), csrfToken: csrfTokenIn(form.text) };
}

/**
 * Cookies that must get nobody's session: an unknown id correctly signed, a real id signed with another secret,
 * and a real cookie with its signature altered.
 */
export function forgedVisitors(victim: Account): Visitor[] {
  const unknownId = randomBytes(24).toString('base64url');
  const [value = '', mac = ''] = decodeURIComponent(victim.cookie.slice('sessionid='.length)).split('.');
  const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
  return [
    {
      name: 'forged: unknown id',
      kind: 'anonymous',
      cookie: `sessionid=${signedSessionCookie(unknownId, TEST_SESSION_SECRET)}`,
    },
    {
      name: 'forged: wrong secret',
      kind: 'anonymous',
      cookie: `sessionid=${signedSessionCookie(victim.sessionId, 'another-secret-0123456789-abcdefghijklmnop')}`,
    },
    {
      name: 'forged: altered MAC',
      kind: 'anonymous',
      cookie: `sessionid=${encodeURIComponent(`${value}.${flipped}`)}`,
    },
  ];
}

/** The favourites list of a dashboard (its `<ul id="favorites">`), as recipe ids. */
export function dashboardFavorites(html: string): number[] {
  const list = /<ul id="favorites">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/href="\/cookbook\/recipes\/(\d+)"/g)].map((match) => Number(match[1]));
}

/** What of `account` may appear in a body: their name and their CSRF token. */
export function markersOf(account: Account): string[] {
  return [account.displayName, account.csrfToken];
}
