import { SessionArgumentError } from '../errors/session-argument.error.js';
import { normalizeUserId, SessionKeys } from './session-keys.js';

describe('SessionKeys', () => {
  const keys = new SessionKeys('session:');

  it('lays sessions out as connect-redis does', () => {
    expect(keys.session('abc')).toBe('session:abc');
  });

  it('keeps the user index outside the session glob, so connect-redis SCANs never see it', () => {
    const index = keys.userIndex('42');
    expect(index).toEqual({ expiry: 'session~user:42', seen: 'session~seen:42' });
    for (const key of Object.values(index)) expect(key.startsWith(keys.prefix)).toBe(false);
  });

  describe('normalizeUserId', () => {
    it.each<[unknown, string]>([
      [42, '42'],
      [0, '0'],
      ['alice', 'alice'],
      ['a:b/c é', 'a:b/c é'],
    ])('%p -> %p', (input, expected) => {
      expect(normalizeUserId('login', input)).toBe(expected);
    });

    it.each<[string, unknown]>([
      ['an empty string', ''],
      ['a control character', 'a\nb'],
      ['a long string', 'x'.repeat(257)],
      ['a fraction', 1.5],
      ['an unsafe integer', 2 ** 60],
      ['null', null],
      ['an object', { id: 1 }],
    ])('refuses %s', (_name, input) => {
      expect(() => normalizeUserId('login', input)).toThrow(SessionArgumentError);
    });
  });
});
