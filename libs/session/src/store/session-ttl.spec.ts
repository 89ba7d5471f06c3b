import { sessionTtlMs } from './session-ttl.js';

describe('sessionTtlMs', () => {
  const now = Date.UTC(2030, 0, 1);
  it.each<[string, { expires?: Date | string | null } | undefined, number]>([
    ['an expiry date', { expires: new Date(now + 5_000) }, 5_000],
    ['an ISO string (as stored)', { expires: new Date(now + 1_500).toISOString() }, 1_500],
    ['a past expiry', { expires: new Date(now - 1) }, -1],
    ['a browser-session cookie', { expires: null }, 60_000],
    ['no cookie', undefined, 60_000],
    ['an invalid date', { expires: 'garbage' }, 60_000],
  ])('%s -> %i ms', (_name, cookie, expected) => {
    expect(sessionTtlMs(cookie, 60, now)).toBe(expected);
  });
});
