import { signedSessionCookie } from '../../support/set-cookie.js';

const WRONG_SECRET = 'an-attacker-guess-of-the-secret-0123456789abcdef';

/**
 * A session cookie no server issued, built around `forgedId`: the id an attacker wants looked up. `realCookie` is
 * a genuine signed cookie value (`s%3A<id>.<signature>`), for forgeries that reuse a real signature.
 */
export type ForgedCookie = (forgedId: string, realCookie: string) => string;

const signatureOf = (realCookie: string) => {
  const decoded = decodeURIComponent(realCookie);
  return decoded.slice(decoded.lastIndexOf('.') + 1);
};

/**
 * Forged, unsigned, wrong-secret, overlong and malformed session cookies (the `Cookie` header each sends). None
 * may be looked up in Redis. libs/session/test/session-cookies.int-spec.ts checks the library with MONITOR;
 * test/cookbook-faults-input.e2e-spec.ts checks four cookbook routes' answers; these go to every route family.
 */
export const FORGED_COOKIES: ReadonlyArray<readonly [string, ForgedCookie]> = [
  ['an unsigned id', (id) => `sessionid=${id}`],
  ['the signature prefix without a signature', (id) => `sessionid=s%3A${id}`],
  ['an id signed with another secret', (id) => `sessionid=${signedSessionCookie(id, WRONG_SECRET)}`],
  [
    'a real signature on the forged id',
    (id, real) => `sessionid=${encodeURIComponent(`s:${id}.${signatureOf(real)}`)}`,
  ],
  ['the real cookie with the forged id appended', (id, real) => `sessionid=${real.replace('.', `${id}.`)}`],
  ['a truncated signature', (id) => `sessionid=${signedSessionCookie(id, WRONG_SECRET).slice(0, -8)}`],
  ['an empty signature', (id) => `sessionid=s%3A${id}.`],
  ['a 3 KB id', (id) => `sessionid=s%3A${id}${'A'.repeat(3000)}.c2lnbmF0dXJl`],
  ['broken percent-encoding', (id) => `sessionid=s%3A${id}%E0%A4%A.x`],
  ['an encoded CRLF and a command', (id) => `sessionid=s%3A${id}%0D%0AFLUSHALL%0D%0A.x`],
  ['glob characters', (id) => `sessionid=s%3A${id}*%3F%5B.x`],
  ['a quoted value', (id) => `sessionid="s:${id}.x"`],
  ['the forged cookie twice', (id) => `sessionid=s%3A${id}.x; sessionid=${id}`],
  ['the forged cookie before a real one', (id, real) => `x=1; sessionid=${id}; sessionid=${real}`],
];
