import session from 'express-session';
import { SessionArgumentError } from '../errors/session-argument.error.js';
import {
  applyCookieAttributes,
  applyExpiry,
  expiryAgeSeconds,
  installExpiryPolicy,
  toExpiryPolicy,
} from './session-cookie.js';

const defaults = { ttl: 600, expireAtBrowserClose: false };

describe('session cookie policy', () => {
  describe('toExpiryPolicy (setExpiry)', () => {
    it.each<[string, unknown, unknown]>([
      ['seconds', 60, 60],
      ['0 (browser close)', 0, 0],
      ['null (the default)', null, undefined],
      ['a Date', new Date(Date.UTC(2030, 0, 1)), '2030-01-01T00:00:00.000Z'],
    ])('accepts %s', (_name, value, expected) => {
      expect(toExpiryPolicy(value)).toEqual(expected);
    });

    it.each<[string, unknown]>([
      ['negative seconds', -1],
      ['fractional seconds', 1.5],
      ['NaN', Number.NaN],
      ['Infinity', Infinity],
      ['an invalid Date', new Date('nope')],
      ['a string', '60'],
      ['undefined', undefined],
    ])('refuses %s', (_name, value) => {
      expect(() => toExpiryPolicy(value)).toThrow(SessionArgumentError);
    });
  });

  describe('expiryAgeSeconds (getExpiryAge)', () => {
    const now = Date.UTC(2030, 0, 1);
    it.each<[string, number | string | undefined, typeof defaults, number]>([
      ['the default', undefined, defaults, 600],
      ['custom seconds', 60, defaults, 60],
      ['browser close: the Redis lifetime', 0, defaults, 600],
      ['browser close by default', undefined, { ttl: 600, expireAtBrowserClose: true }, 600],
      ['a date 90.5 s ahead', new Date(now + 90_500).toISOString(), defaults, 90],
      ['a past date', new Date(now - 1_000).toISOString(), defaults, 0],
    ])('%s -> %i', (_name, policy, options, expected) => {
      expect(expiryAgeSeconds(policy, options, now)).toBe(expected);
    });
  });

  describe('applyExpiry', () => {
    const fresh = () => new session.Cookie();
    it.each<[string, number | string | undefined, typeof defaults, number | null]>([
      ['the default', undefined, defaults, 600_000],
      ['custom seconds', 30, defaults, 30_000],
      ['browser close', 0, defaults, null],
      ['browser close by default', undefined, { ttl: 600, expireAtBrowserClose: true }, null],
    ])('%s sets originalMaxAge to %s', (_name, policy, options, expected) => {
      const cookie = fresh();
      applyExpiry(cookie, policy, options);
      expect(cookie.originalMaxAge === null ? null : Math.round(cookie.originalMaxAge / 1000) * 1000).toBe(expected);
      if (expected === null) expect(cookie.expires).toBeNull();
    });

    it('keeps an absolute date absolute across touches', () => {
      const at = new Date(Date.now() + 3_600_000);
      const holder = { cookie: fresh(), _stash: { expiry: at.toISOString() } };
      installExpiryPolicy(holder, defaults);
      (holder as unknown as { touch(): void }).touch();
      expect((holder.cookie.expires as Date).toISOString()).toBe(at.toISOString());
      expect(Object.keys(holder)).toEqual(['cookie', '_stash']);
    });
  });

  describe('applyCookieAttributes', () => {
    const attributes = {
      name: 'sid',
      domain: 'example.com',
      path: '/app',
      httpOnly: true,
      sameSite: 'strict' as const,
    };
    it.each<[boolean | 'auto', boolean, boolean]>([
      ['auto', true, true],
      ['auto', false, false],
      [true, false, true],
      [false, true, false],
    ])('secure %s on a %s request -> %s', (secure, secureRequest, expected) => {
      const cookie = new session.Cookie();
      applyCookieAttributes(cookie, { ...attributes, secure }, secureRequest);
      expect(cookie).toMatchObject({
        path: '/app',
        domain: 'example.com',
        httpOnly: true,
        sameSite: 'strict',
        secure: expected,
      });
    });
  });
});
