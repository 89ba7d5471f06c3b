import { createHash } from 'node:crypto';
import type { CacheOptions } from '../cache-options.interface.js';
import { resolveCacheOptions } from '../cache-options.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import { CacheKeyError } from '../errors/cache-key.error.js';
import { KeyLayout } from './key-layout.js';

function layout(options: CacheOptions = {}): KeyLayout {
  return new KeyLayout(resolveCacheOptions('c', { keyPrefix: 'shop', ...options }));
}

const USER_KEYS = ['k', '~tag:x', '~lock:x', '~fill:1:k', '~', 'tag:x', '1:k', ':x', 'a'.repeat(300)];

describe('KeyLayout', () => {
  describe('entry', () => {
    it.each<[string, CacheOptions, unknown, number | undefined, string]>([
      ['the base form', {}, 'recipe:1', undefined, 'shop:1:recipe:1'],
      ['another version', {}, 'recipe:1', 7, 'shop:7:recipe:1'],
      ["the cache's version", { version: 3 }, 'k', undefined, 'shop:3:k'],
      ['version 0 when asked for', { version: 3 }, 'k', 0, 'shop:0:k'],
      ['a negative version', {}, 'k', -1, 'shop:-1:k'],
      ['an empty prefix', { keyPrefix: '' }, 'k', undefined, ':1:k'],
      ['a prefix with glob characters, unescaped', { keyPrefix: 'a*b' }, 'k', undefined, 'a*b:1:k'],
      ['a key starting with ~', {}, '~tag:x', undefined, 'shop:1:~tag:x'],
      ['a custom key function', { keyFunction: (k, p, v) => `${p}:v${v}:${k}` }, 'k', 2, 'shop:v2:k'],
    ])('builds %s', (_, options, key, version, expected) => {
      expect(layout(options).entry(key, version)).toBe(expected);
    });

    it('hashes a long key before the key function sees it', () => {
      const stored = layout().entry('x'.repeat(500));
      expect(stored.startsWith(`shop:1:${'x'.repeat(48)}…#`)).toBe(true);
      expect(stored.length).toBeLessThanOrEqual('shop:1:'.length + 200);
    });

    it.each<[string, unknown]>([
      ['an empty key', ''],
      ['a control character', 'a\u0001'],
      ['a number', 1],
    ])('rejects %s with CacheKeyError', (_, key) => {
      expect(() => layout().entry(key)).toThrow(CacheKeyError);
    });

    it.each<[string, unknown, RegExp]>([
      ["a version that spells Stash's own keys", '~tag', /invalid version "~tag"; expected an integer/],
      ['a version given as text', '2', /invalid version "2"/],
      ['a fractional version', 1.5, /invalid version 1.5/],
      ['NaN', Number.NaN, /invalid version NaN/],
      ['null', null, /invalid version null/],
    ])('rejects %s with CacheArgumentError, for entries and patterns alike', (_, version, message) => {
      expect(() => layout().entry('k', version)).toThrow(CacheArgumentError);
      expect(() => layout().entry('k', version)).toThrow(message);
      expect(() => layout().pattern('*', version)).toThrow(CacheArgumentError);
    });

    it.each<[string, CacheOptions['keyFunction'], string]>([
      ['maps a key under the reserved ~ families', (k, p) => `${p}:${k}`, '~tag:x'],
      ['maps some key outside the prefix', (k, p) => (k === 'escape' ? `other:${k}` : `${p}:${k}`), 'escape'],
    ])('rejects a key when a custom key function %s', (_, keyFunction, key) => {
      const keys = layout({ keyFunction });
      expect(() => keys.entry(key)).toThrow(CacheKeyError);
      expect(keys.entry('fine')).toBe('shop:fine');
    });
  });

  describe.each<[string, (keys: KeyLayout, name: unknown) => string, string]>([
    ['tag', (keys, name) => keys.tag(name), 'shop:~tag:'],
    ['lock', (keys, name) => keys.lock(name), 'shop:~lock:'],
  ])('%s', (_, build, head) => {
    it.each<[string, string]>([
      ['a plain name', 'recipes'],
      ['a name with colons', 'recipe:1'],
      ['a name starting with ~', '~x'],
    ])('puts %s under the family', (__, name) => {
      expect(build(layout(), name)).toBe(`${head}${name}`);
    });

    it('ignores the version', () => {
      expect(build(layout({ version: 9 }), 'n')).toBe(`${head}n`);
    });

    it('hashes a long name', () => {
      const stored = build(layout(), 'n'.repeat(400));
      expect(stored.startsWith(`${head}${'n'.repeat(48)}…#`)).toBe(true);
    });

    it.each<[string, unknown]>([
      ['an empty name', ''],
      ['a newline', 'a\nb'],
      ['a non-string', null],
    ])('rejects %s with CacheKeyError', (__, name) => {
      expect(() => build(layout(), name)).toThrow(CacheKeyError);
    });
  });

  describe('fill', () => {
    it.each<[string, CacheOptions, string]>([
      ['an entry key', {}, 'shop:~fill:1:recipe:1'],
      ['an entry key under an empty prefix', { keyPrefix: '' }, ':~fill:1:recipe:1'],
      ['an entry key of another version', { version: 4 }, 'shop:~fill:4:recipe:1'],
    ])('derives the fill lock of %s', (_, options, expected) => {
      const keys = layout(options);
      expect(keys.fill(keys.entry('recipe:1'))).toBe(expected);
    });

    it('gives distinct entries distinct fill locks', () => {
      const keys = layout();
      const fills = ['a', 'b', 'a:b', 'x'.repeat(300), 'x'.repeat(301)].map((key) => keys.fill(keys.entry(key)));
      expect(new Set(fills).size).toBe(fills.length);
    });
  });

  describe('throttle', () => {
    const digest = (key: string) => createHash('sha256').update(key).digest('base64url');

    it.each<[string, CacheOptions, string, string, string]>([
      ['a guard key', {}, 'default', 'abc123', `shop:~throttle:default:${digest('abc123')}`],
      ['under an empty prefix', { keyPrefix: '' }, 'short', 'k', `:~throttle:short:${digest('k')}`],
      ['ignoring the version', { version: 9 }, 'long', 'k', `shop:~throttle:long:${digest('k')}`],
      ['a key with control characters', {}, 'default', 'ip\n1', `shop:~throttle:default:${digest('ip\n1')}`],
    ])('builds %s', (_, options, name, key, expected) => {
      expect(layout(options).throttle(name, key)).toBe(expected);
    });

    it('keeps throttlers and keys apart, and bounds the length of huge keys', () => {
      const keys = layout();
      const built = [keys.throttle('a', 'k'), keys.throttle('b', 'k'), keys.throttle('a', 'k2')];
      expect(new Set(built).size).toBe(3);
      expect(keys.throttle('a', 'x'.repeat(10_000)).length).toBeLessThan(80);
    });

    it.each<[string, unknown, unknown]>([
      ['an empty throttler name', '', 'k'],
      ['a throttler name with a newline', 'a\nb', 'k'],
      ['an empty key', 'default', ''],
      ['a key that is not a string', 'default', 42],
    ])('rejects %s with CacheKeyError', (_, name, key) => {
      expect(() => layout().throttle(name, key)).toThrow(CacheKeyError);
    });
  });

  describe('everything', () => {
    it.each<[string, string]>([
      ['shop', 'shop:*'],
      ['', ':*'],
      ['a*b?[c]', 'a\\*b\\?\\[c\\]:*'],
      ['back\\slash', 'back\\\\slash:*'],
    ])('matches every key of prefix %j with %j', (keyPrefix, expected) => {
      expect(layout({ keyPrefix }).everything()).toBe(expected);
    });
  });

  describe('everyTag', () => {
    it.each<[string, string]>([
      ['shop', 'shop:~tag:*'],
      ['a*b?[c]', 'a\\*b\\?\\[c\\]:~tag:*'],
    ])('matches every tag token of prefix %j with %j', (keyPrefix, expected) => {
      expect(layout({ keyPrefix }).everyTag()).toBe(expected);
    });
  });

  describe('pattern', () => {
    it.each<[string, CacheOptions, string, number | undefined, string]>([
      ['a user glob at the cache version', {}, 'user:*', undefined, 'shop:1:user:*'],
      ['a user glob at another version', {}, 'user:?', 5, 'shop:5:user:?'],
      ['a glob under an escaped prefix', { keyPrefix: 'a[1]' }, '*', undefined, 'a\\[1\\]:1:*'],
      [
        'a glob with a custom key function',
        { keyFunction: (k, p, v) => `${p}:v${v}:${k}` },
        '*',
        undefined,
        'shop:v1:*',
      ],
    ])('builds %s', (_, options, glob, version, expected) => {
      expect(layout(options).pattern(glob, version)).toBe(expected);
    });
  });

  describe('userKey', () => {
    it.each<[string, CacheOptions, string, number | undefined, string]>([
      ['strips the prefix and version', {}, 'shop:1:recipe:1', undefined, 'recipe:1'],
      ['strips another version when asked', {}, 'shop:3:k', 3, 'k'],
      ['keeps a key of another version whole', {}, 'shop:3:k', undefined, 'shop:3:k'],
      ['keeps a foreign key whole', {}, 'other:1:k', undefined, 'other:1:k'],
      ['strips under an empty prefix', { keyPrefix: '' }, ':1:k', undefined, 'k'],
      [
        'returns the stored key under a custom key function',
        { keyFunction: (k, p) => `${p}:${k}` },
        'shop:k',
        undefined,
        'shop:k',
      ],
    ])('%s', (_, options, stored, version, expected) => {
      expect(layout(options).userKey(stored, version)).toBe(expected);
    });

    it.each(USER_KEYS.filter((key) => key.length < 200))('round-trips entry(%j)', (key) => {
      const keys = layout();
      expect(keys.userKey(keys.entry(key))).toBe(key);
    });
  });

  describe("Stash's own keys", () => {
    it.each<[string, CacheOptions]>([
      ['prefix shop', {}],
      ['an empty prefix', { keyPrefix: '' }],
      ['a prefix ending in ~', { keyPrefix: 'shop:~' }],
      ['version 0', { version: 0 }],
      ['a negative version', { version: -3 }],
    ])('never collide with entry keys (%s)', (_, options) => {
      const keys = layout(options);
      const prefix = options.keyPrefix ?? 'shop';
      const entries = USER_KEYS.flatMap((key) => [keys.entry(key), keys.entry(key, 0), keys.entry(key, 12)]);
      const own = USER_KEYS.flatMap((name) => [
        keys.tag(name),
        keys.lock(name),
        keys.fill(keys.entry(name)),
        keys.throttle(name.slice(0, 100), name),
      ]);
      for (const entry of entries) expect(entry.startsWith(`${prefix}:~`)).toBe(false);
      for (const key of own) expect(key.startsWith(`${prefix}:~`)).toBe(true);
      const overlap = own.filter((key) => entries.includes(key));
      expect(overlap).toEqual([]);
    });

    it('never collide across families', () => {
      const keys = layout();
      const tags = USER_KEYS.map((name) => keys.tag(name));
      const locks = USER_KEYS.map((name) => keys.lock(name));
      const fills = USER_KEYS.map((name) => keys.fill(keys.entry(name)));
      const throttles = USER_KEYS.map((name) => keys.throttle('default', name));
      const all = [...tags, ...locks, ...fills, ...throttles];
      expect(new Set(all).size).toBe(all.length);
    });

    it('are matched by everything() but not by a user pattern', () => {
      const keys = layout();
      expect(keys.everything()).toBe('shop:*');
      expect(keys.pattern('*').startsWith('shop:1:')).toBe(true);
    });
  });
});
