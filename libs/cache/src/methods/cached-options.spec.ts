import { CacheArgumentError } from '../errors/cache-argument.error.js';
import type { CachedOptions } from './cached-options.interface.js';
import { cachedOptions } from './cached-options.js';

describe('cachedOptions', () => {
  it.each<[string, CachedOptions]>([
    ['no options', {}],
    ['every option', { key: () => 'k', ttl: 60, tags: ['a'], cache: 'other', staleWhileRevalidate: 5, grace: 10 }],
    ['ttl null (never expires)', { ttl: null }],
    ['ttl 0 (do not store)', { ttl: 0 }],
    ['a tags function', { tags: () => ['a'] }],
  ])('accepts %s', (_, options) => {
    expect(cachedOptions(options)).toEqual(options);
  });

  it.each<[string, unknown, RegExp]>([
    ['options that are not an object', 60, /@Cached: invalid options 60/],
    ['an unknown option', { ttL: 60 }, /invalid option "ttL"; expected one of key, ttl/],
    ['a negative ttl', { ttl: -1 }, /invalid ttl -1; expected seconds >= 0, or null/],
    ['an infinite ttl', { ttl: Infinity }, /invalid ttl Infinity/],
    ['a ttl given as text', { ttl: '60' }, /invalid ttl "60"/],
    ['a cache name that is not a string', { cache: 1 }, /invalid cache 1; expected the name of a configured cache/],
    ['an empty cache name', { cache: '' }, /invalid cache ""/],
    ['a key that is not a function', { key: 'recipes' }, /invalid key "recipes"/],
    ['tags that are not strings', { tags: ['a', 1] }, /invalid tags/],
    ['tags given as one string', { tags: 'a' }, /invalid tags "a"/],
    ['a negative staleWhileRevalidate', { staleWhileRevalidate: -5 }, /invalid staleWhileRevalidate -5/],
    ['a non-numeric grace', { grace: null }, /invalid grace null/],
  ])('refuses %s', (_, options, message) => {
    expect(() => cachedOptions(options as CachedOptions)).toThrow(CacheArgumentError);
    expect(() => cachedOptions(options as CachedOptions)).toThrow(message);
  });

  it('freezes the options and copies the tag list', () => {
    const tags = ['a'];
    const resolved = cachedOptions({ tags });
    tags.push('b');
    expect(resolved.tags).toEqual(['a']);
    expect(Object.isFrozen(resolved)).toBe(true);
  });
});
