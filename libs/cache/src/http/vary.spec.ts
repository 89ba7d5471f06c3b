import { hasVary, patchVary, varyNames } from './vary.js';

describe('vary', () => {
  describe('patchVary', () => {
    // Django: tests/cache/tests.py CacheUtils.test_patch_vary_headers.
    it.each<[string | undefined, string[], string]>([
      [undefined, ['Accept-Encoding'], 'Accept-Encoding'],
      ['Accept-Encoding', ['accept-encoding'], 'Accept-Encoding'],
      ['Accept-Encoding', ['ACCEPT-ENCODING'], 'Accept-Encoding'],
      ['Cookie', ['Accept-Encoding'], 'Cookie, Accept-Encoding'],
      ['Cookie, Accept-Encoding', ['Accept-Encoding'], 'Cookie, Accept-Encoding'],
      ['Cookie, Accept-Encoding', ['Accept-Encoding', 'cookie'], 'Cookie, Accept-Encoding'],
      [undefined, ['Accept-Encoding', 'COOKIE'], 'Accept-Encoding, COOKIE'],
      ['Cookie,     Accept-Encoding', ['Accept-Encoding', 'cookie'], 'Cookie, Accept-Encoding'],
      ['Cookie    ,     Accept-Encoding', ['Accept-Encoding', 'cookie'], 'Cookie, Accept-Encoding'],
      ['*', ['Accept-Language', 'Cookie'], '*'],
      ['Accept-Language, Cookie', ['*'], '*'],
    ])('patches %j with %j into %j', (initial, names, expected) => {
      expect(patchVary(initial, names)).toBe(expected);
    });
  });

  describe('hasVary', () => {
    it.each<[string | undefined, string, boolean]>([
      [undefined, 'Cookie', false],
      ['Accept-Language, Cookie', 'cookie', true],
      ['accept-language,COOKIE', 'Cookie', true],
      ['Cookies', 'Cookie', false],
      ['*', 'Cookie', false],
    ])('%j names %j: %j', (header, name, expected) => {
      expect(hasVary(header, name)).toBe(expected);
    });
  });

  describe('varyNames', () => {
    it.each<[string | undefined, readonly string[] | '*']>([
      [undefined, []],
      ['', []],
      ['Cookie', ['cookie']],
      ['Cookie, Accept-Language', ['accept-language', 'cookie']],
      ['accept-language,COOKIE, Cookie', ['accept-language', 'cookie']],
      ['Accept-Encoding, *', '*'],
    ])('learns %j as %j (normalised, sorted, de-duplicated)', (header, expected) => {
      expect(varyNames(header)).toEqual(expected);
    });
  });
});
