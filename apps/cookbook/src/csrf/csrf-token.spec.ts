import { csrfTokenOf, matchesCsrfToken, rotateCsrfToken, type CsrfSession } from './csrf-token.js';

describe('CSRF tokens', () => {
  it('creates a token once per session and keeps it', () => {
    const session: CsrfSession = {};
    const token = csrfTokenOf(session);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(csrfTokenOf(session)).toBe(token);
    expect(csrfTokenOf({})).not.toBe(token);
  });

  it('rotates to a new token', () => {
    const session: CsrfSession = {};
    const before = csrfTokenOf(session);
    expect(rotateCsrfToken(session)).not.toBe(before);
    expect(matchesCsrfToken(session, before)).toBe(false);
  });

  it.each([
    ['the token', (token: string) => token, true],
    ['another token', () => 'x'.repeat(43), false],
    ['a prefix', (token: string) => token.slice(0, 10), false],
    ['nothing', () => undefined, false],
    ['an array', (token: string) => [token], false],
    ['the empty string', () => '', false],
  ])('matches %s: %s', (_case, submitted, expected) => {
    const session: CsrfSession = {};
    const token = csrfTokenOf(session);
    expect(matchesCsrfToken(session, submitted(token))).toBe(expected);
  });

  it('matches nothing when the session has no token', () => {
    expect(matchesCsrfToken({}, '')).toBe(false);
    expect(matchesCsrfToken({}, undefined)).toBe(false);
  });
});
