import { assertKeyList, assertTags, entryPairs } from './cache-arguments.js';
import { CacheArgumentError } from './errors/cache-argument.error.js';

describe('cache arguments', () => {
  describe('assertTags', () => {
    it.each<[string, unknown, RegExp]>([
      ['one string (not one tag per character)', 'recipes', /set: invalid tags "recipes"; expected an array/],
      ['an object', { recipes: true }, /invalid tags \{"recipes":true\}/],
      ['null', null, /invalid tags null/],
      ['a Set', new Set(['a']), /invalid tags an instance of Set/],
    ])('refuses %s', (_, tags, message) => {
      expect(() => assertTags('set', tags)).toThrow(CacheArgumentError);
      expect(() => assertTags('set', tags)).toThrow(message);
    });

    it('reads no tags as none, unless they are required', () => {
      expect(assertTags('set', undefined)).toEqual([]);
      expect(() => assertTags('invalidateTags', undefined, true)).toThrow(/invalidateTags: invalid tags undefined/);
      expect(assertTags('set', ['a', 'b'])).toEqual(['a', 'b']);
    });
  });

  describe('assertKeyList', () => {
    it.each<[string, unknown]>([
      ['one string', 'abc'],
      ['null', null],
      ['an object', { a: 1 }],
    ])('refuses %s', (_, keys) => {
      expect(() => assertKeyList('getMany', keys)).toThrow(CacheArgumentError);
      expect(() => assertKeyList('getMany', keys)).toThrow(/getMany: invalid keys/);
    });
  });

  describe('entryPairs', () => {
    it('reads an object, a Map and an array of pairs', () => {
      expect(entryPairs({ a: 1 })).toEqual([['a', 1]]);
      expect(entryPairs(new Map([['a', 1]]))).toEqual([['a', 1]]);
      expect(entryPairs([['a', 1]])).toEqual([['a', 1]]);
    });

    it.each<[string, unknown, RegExp]>([
      ['a string', 'ab', /setMany: invalid entries "ab"/],
      ['null', null, /invalid entries null/],
      ['an array that is not of pairs', [['a', 1], 'b'], /invalid entry 1 "b"; expected a \[key, value\] pair/],
    ])('refuses %s', (_, entries, message) => {
      expect(() => entryPairs(entries)).toThrow(CacheArgumentError);
      expect(() => entryPairs(entries)).toThrow(message);
    });
  });
});
