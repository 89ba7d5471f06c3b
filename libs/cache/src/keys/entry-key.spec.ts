import { CacheKeyError } from '../errors/cache-key.error.js';
import { defaultKeyFunction, normalizeKey } from './entry-key.js';

const MAX = 200;
// `…#` followed by a SHA-256 digest in base64url.
const HASHED = /^(?<readable>.*)…#(?<digest>[A-Za-z0-9_-]{43})$/su;

function hashedParts(key: string): { readable: string; digest: string } {
  const match = HASHED.exec(key);
  if (!match?.groups) throw new Error(`not a hashed key: ${key}`);
  return { readable: match.groups.readable!, digest: match.groups.digest! };
}

describe('normalizeKey', () => {
  describe('when the key is valid and short enough', () => {
    it.each<[string, string]>([
      ['a plain key', 'recipe:1'],
      ['a single character', 'x'],
      ['spaces and punctuation', 'user 42 / page?q=1&sort=desc'],
      ['glob characters', 'files:*?[a-z]'],
      ['unicode', 'café:🍰:日本'],
      ['a key of exactly maxLength', 'k'.repeat(MAX)],
      ['a key with a tab-like escape written literally', 'a\\tb'],
      ['the first character after the C1 controls (U+00A0)', 'a\u00a0b'],
      ['Latin-1 letters', 'crème brûlée'],
      ['an emoji (a surrogate pair)', 'pizza 🍕'],
    ])('returns %s unchanged', (_, key) => {
      expect(normalizeKey(key, MAX)).toBe(key);
    });
  });

  describe('rejects with CacheKeyError naming the key', () => {
    it.each<[string, unknown, RegExp]>([
      ['an empty key', '', /Invalid cache key "": keys must not be empty/],
      ['a number', 42, /Invalid cache key 42 \(number\): keys must be strings/],
      ['undefined', undefined, /\(undefined\): keys must be strings/],
      ['null', null, /\(object\): keys must be strings/],
      ['an object', { id: 1 }, /\(object\): keys must be strings/],
      ['a String object', new String('a'), /\(object\): keys must be strings/],
      ['a newline', 'a\nb', /"a\\nb": keys must not contain control characters/],
      ['a NUL byte', 'a\u0000b', /"a\\u0000b": keys must not contain control characters/],
      ['a carriage return', 'a\rb', /control characters/],
      ['a tab', 'a\tb', /control characters/],
      ['DEL (0x7f)', 'a\u007fb', /control characters/],
      ['the first C1 control (U+0080)', 'a\u0080b', /control characters/],
      ['NEL (U+0085)', 'a\u0085b', /control characters/],
      ['CSI (U+009B)', 'a\u009bb', /control characters/],
      ['the last C1 control (U+009F)', 'a\u009fb', /control characters/],
      ['a control character past maxLength', `${'k'.repeat(MAX)}\n`, /control characters/],
      ['a lone high surrogate', 'a\ud800b', /"a\\ud800b": keys must be well-formed Unicode/],
      ['a lone low surrogate', 'a\udc00', /well-formed Unicode/],
      ['a low surrogate before a high one', '\udc00\ud800', /well-formed Unicode/],
      ['a lone surrogate past maxLength', `${'k'.repeat(MAX)}\ud800`, /well-formed Unicode/],
    ])('%s', (_, key, message) => {
      expect(() => normalizeKey(key, MAX)).toThrow(CacheKeyError);
      expect(() => normalizeKey(key, MAX)).toThrow(message);
    });

    it('keeps the offending key on the error', () => {
      const error = (() => {
        try {
          normalizeKey('bad\nkey', MAX);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(CacheKeyError);
      expect((error as CacheKeyError).key).toBe('bad\nkey');
    });
  });

  describe('when the key is longer than maxLength', () => {
    it.each<[string, string, number]>([
      ['one character too long', 'a'.repeat(MAX + 1), MAX],
      ['much too long', 'b'.repeat(10_000), MAX],
      ['too long, with unicode', 'é'.repeat(300), MAX],
      ['too long for the default of 200', `recipes:search:${'q'.repeat(250)}`, MAX],
      ['too long for a small maxLength', 'c'.repeat(100), 80],
      ['too long for the smallest maxLength', 'd'.repeat(66), 65],
    ])('%s: hashes it to a fixed length within maxLength', (_, key, maxLength) => {
      const stored = normalizeKey(key, maxLength);
      expect(stored.length).toBeLessThanOrEqual(maxLength);
      expect(stored).toMatch(HASHED);
      expect(normalizeKey(key + 'more', maxLength)).toHaveLength(stored.length);
    });

    it('keeps the first 48 characters readable', () => {
      const key = `recipes:search:${'q'.repeat(250)}`;
      expect(hashedParts(normalizeKey(key, MAX)).readable).toBe(key.slice(0, 48));
    });

    it('shrinks the readable part so the result fits a small maxLength', () => {
      const stored = normalizeKey('e'.repeat(100), 65);
      expect(stored).toHaveLength(65);
      expect(hashedParts(stored).readable).toBe('e'.repeat(20));
    });

    it('is deterministic', () => {
      const key = 'z'.repeat(500);
      expect(normalizeKey(key, MAX)).toBe(normalizeKey(key, MAX));
    });

    it.each<[string, string, string]>([
      ['keys that differ only at the end', `${'p'.repeat(300)}1`, `${'p'.repeat(300)}2`],
      [
        'keys that differ only past the readable part',
        `${'p'.repeat(60)}A${'x'.repeat(200)}`,
        `${'p'.repeat(60)}B${'x'.repeat(200)}`,
      ],
      ['keys of different lengths', 'r'.repeat(300), 'r'.repeat(301)],
    ])('gives %s distinct digests', (_, a, b) => {
      const [storedA, storedB] = [normalizeKey(a, MAX), normalizeKey(b, MAX)];
      expect(hashedParts(storedA).readable).toBe(hashedParts(storedB).readable);
      expect(hashedParts(storedA).digest).not.toBe(hashedParts(storedB).digest);
    });
  });

  describe('when a short key contains the hash mark', () => {
    it('hashes it, so that it cannot spell the hashed form of another key', () => {
      const long = 'L'.repeat(300);
      const hashed = normalizeKey(long, MAX);
      expect(hashed.length).toBeLessThanOrEqual(MAX);
      const forged = normalizeKey(hashed, MAX);
      expect(forged).not.toBe(hashed);
      expect(forged).toMatch(HASHED);
    });
  });
});

describe('defaultKeyFunction', () => {
  it.each<[string, string, number, string]>([
    ['k', 'shop', 1, 'shop:1:k'],
    ['k', '', 1, ':1:k'],
    ['a:b', 'p', 3, 'p:3:a:b'],
    ['k', 'p', -1, 'p:-1:k'],
  ])('builds key %j, prefix %j, version %d into %j', (key, prefix, version, expected) => {
    expect(defaultKeyFunction(key, prefix, version)).toBe(expected);
  });
});
