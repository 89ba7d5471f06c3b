import type { Redis } from 'ioredis';
import type { CacheModuleOptions, CacheOptions } from './cache-options.interface.js';
import { CACHE_DEFAULTS, resolveCacheOptions, resolveModuleOptions } from './cache-options.js';
import type { CacheCodec } from './codec/cache-codec.interface.js';
import { CacheConfigError } from './errors/cache-config.error.js';
import { defaultKeyFunction } from './keys/entry-key.js';

const customCodec: CacheCodec = { id: 'custom', encode: (value) => JSON.stringify(value), decode: String };
// Only its shape matters to validation; nothing connects.
const fakeClient = { on: () => undefined } as unknown as Redis;

/** Runs `resolve` and returns the CacheConfigError it throws (fails the test if it throws nothing or another error). */
function configError(resolve: () => unknown): CacheConfigError {
  try {
    resolve();
  } catch (error) {
    expect(error).toBeInstanceOf(CacheConfigError);
    return error as CacheConfigError;
  }
  throw new Error('expected a CacheConfigError, nothing was thrown');
}

describe('resolveCacheOptions', () => {
  describe('when no option is given', () => {
    it('applies every default', () => {
      const resolved = resolveCacheOptions('default', {});
      expect(resolved).toEqual({
        name: 'default',
        store: 'redis',
        connection: {
          url: undefined,
          redis: undefined,
          sentinels: undefined,
          name: undefined,
          cluster: undefined,
          client: undefined,
        },
        keyPrefix: '',
        version: 1,
        keyFunction: defaultKeyFunction,
        customKeyFunction: false,
        defaultTtl: 300,
        codec: 'json',
        compressAbove: undefined,
        compression: 'gzip',
        maxValueBytes: undefined,
        onValueTooLarge: 'throw',
        maxKeyLength: 200,
        commandTimeout: 500,
        failOpen: true,
        breaker: { threshold: 5, cooldownMs: 1000 },
        memory: { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 },
        stampede: { lockTtl: 10, lockWait: 5 },
      });
    });

    it('returns frozen options, nested groups included', () => {
      const resolved = resolveCacheOptions('default', {});
      expect(Object.isFrozen(resolved)).toBe(true);
      for (const group of [resolved.connection, resolved.breaker, resolved.memory, resolved.stampede]) {
        expect(Object.isFrozen(group)).toBe(true);
      }
    });

    it('takes its defaults from CACHE_DEFAULTS', () => {
      const resolved = resolveCacheOptions('default', {});
      expect(resolved).toMatchObject({
        defaultTtl: CACHE_DEFAULTS.defaultTtl,
        commandTimeout: CACHE_DEFAULTS.commandTimeout,
        breaker: CACHE_DEFAULTS.breaker,
      });
    });
  });

  describe('when an option is partly given', () => {
    it.each<[string, CacheOptions, Record<string, unknown>]>([
      ['breaker.threshold only', { breaker: { threshold: 2 } }, { breaker: { threshold: 2, cooldownMs: 1000 } }],
      ['memory.maxBytes only', { memory: { maxBytes: 1024 } }, { memory: { maxEntries: 10_000, maxBytes: 1024 } }],
      ['stampede.lockWait only', { stampede: { lockWait: 1 } }, { stampede: { lockTtl: 10, lockWait: 1 } }],
    ])('fills the rest of %s from the defaults', (_, options, expected) => {
      expect(resolveCacheOptions('c', options)).toMatchObject(expected);
    });
  });

  describe('accepts', () => {
    it.each<[string, CacheOptions, Record<string, unknown>]>([
      ['a redis:// URL', { url: 'redis://127.0.0.1:6379' }, { connection: { url: 'redis://127.0.0.1:6379' } }],
      ['a rediss:// URL', { url: 'rediss://cache.example.com' }, { connection: { url: 'rediss://cache.example.com' } }],
      ['a URL with a db', { url: 'redis://127.0.0.1:6379/3' }, { connection: { url: 'redis://127.0.0.1:6379/3' } }],
      ['a URL with a trailing slash', { url: 'redis://h:6379/' }, { connection: { url: 'redis://h:6379/' } }],
      [
        'a URL with user, password and db',
        { url: 'rediss://user:s3cret@cache.example.com:6380/2' },
        { connection: { url: 'rediss://user:s3cret@cache.example.com:6380/2' } },
      ],
      ['a URL with a password only', { url: 'redis://:pw@h:6379/0' }, { connection: { url: 'redis://:pw@h:6379/0' } }],
      ['the memory store', { store: 'memory' }, { store: 'memory' }],
      ['the dummy store', { store: 'dummy' }, { store: 'dummy' }],
      [
        'the dummy store with a URL (ignored, as for memory)',
        { store: 'dummy', url: 'redis://h:6379/1' },
        { store: 'dummy', connection: { url: 'redis://h:6379/1' } },
      ],
      ['defaultTtl null (never expires)', { defaultTtl: null }, { defaultTtl: null }],
      ['defaultTtl 0 (do not store)', { defaultTtl: 0 }, { defaultTtl: 0 }],
      ['a fractional defaultTtl', { defaultTtl: 1.5 }, { defaultTtl: 1.5 }],
      ['a negative version', { version: -2 }, { version: -2 }],
      ['the msgpack codec', { codec: 'msgpack' }, { codec: 'msgpack' }],
      ['a custom codec', { codec: customCodec }, { codec: customCodec }],
      [
        'brotli compression',
        { compressAbove: 1024, compression: 'brotli' },
        { compressAbove: 1024, compression: 'brotli' },
      ],
      ["onValueTooLarge 'skip'", { maxValueBytes: 10, onValueTooLarge: 'skip' }, { onValueTooLarge: 'skip' }],
      ['failOpen false', { failOpen: false }, { failOpen: false }],
      ['a keyPrefix with colons and globs', { keyPrefix: 'shop:[eu]*' }, { keyPrefix: 'shop:[eu]*' }],
      ['maxKeyLength 65 (the smallest)', { maxKeyLength: 65 }, { maxKeyLength: 65 }],
      ['commandTimeout at the timer limit', { commandTimeout: 2 ** 31 - 1 }, { commandTimeout: 2 ** 31 - 1 }],
      [
        'sentinels with a name',
        { sentinels: [{ host: 'h', port: 26379 }], name: 'mymaster' },
        { connection: { sentinels: [{ host: 'h', port: 26379 }], name: 'mymaster' } },
      ],
      [
        'a cluster',
        { cluster: { nodes: [{ host: 'h', port: 7000 }] } },
        { connection: { cluster: { nodes: [{ host: 'h', port: 7000 }] } } },
      ],
      ['an existing client', { client: fakeClient }, { connection: { client: fakeClient } }],
      ['ioredis options', { redis: { db: 2 } }, { connection: { redis: { db: 2 } } }],
    ])('%s', (_, options, expected) => {
      expect(resolveCacheOptions('c', options)).toMatchObject(expected);
    });

    it('a custom keyFunction that keeps the prefix, and marks it custom', () => {
      const keyFunction = (key: string, prefix: string, version: number) => `${prefix}:v${version}:${key}`;
      expect(resolveCacheOptions('c', { keyPrefix: 'p', keyFunction })).toMatchObject({
        keyFunction,
        customKeyFunction: true,
      });
    });
  });

  describe('rejects with CacheConfigError naming the option and the value', () => {
    // CacheConfigError shows non-finite numbers as JSON (`null`), so those rows check the option path only.
    it.each<[string, unknown, string, string | undefined]>([
      ['an unknown option', { ttl: 60 }, 'ttl', '60'],
      ['a misspelt option', { defaultTTL: 60 }, 'defaultTTL', '60'],
      ['options that are not an object', 'redis://h', '(options)', '"redis://h"'],
      ['an unknown store', { store: 'memcached' }, 'store', '"memcached"'],
      ['a URL with an http scheme', { url: 'http://127.0.0.1:6379' }, 'url', '"http://127.0.0.1:6379"'],
      ['a URL without a scheme', { url: '127.0.0.1:6379' }, 'url', '"127.0.0.1:6379"'],
      ['a unix: URL', { url: 'unix:///tmp/redis.sock' }, 'url', '"unix:///tmp/redis.sock"'],
      ['a URL with spaces', { url: 'redis://my host:6379' }, 'url', '"redis://my host:6379"'],
      ['a URL that is not a string', { url: 6379 }, 'url', '6379'],
      ['a URL with a non-numeric db', { url: 'redis://h:6379/cache' }, 'url', '"redis://h:6379/cache"'],
      ['a URL with a nested path', { url: 'redis://h:6379/1/2' }, 'url', '"redis://h:6379/1/2"'],
      ['a URL with an out-of-range port', { url: 'redis://h:70000' }, 'url', '"redis://h:70000"'],
      ['url and client together', { url: 'redis://h', client: fakeClient }, 'client', 'url is set'],
      ['url and cluster together', { url: 'redis://h', cluster: { nodes: [{ port: 1 }] } }, 'cluster', 'nodes'],
      ['url and sentinels together', { url: 'redis://h', sentinels: [], name: 'm' }, 'sentinels', '[]'],
      ['cluster and sentinels together', { cluster: { nodes: [{}] }, sentinels: [{}] }, 'sentinels', '[{}]'],
      ['sentinels without a name', { sentinels: [{ host: 'h', port: 26379 }] }, 'name', 'undefined'],
      ['sentinels with an empty name', { sentinels: [{ host: 'h', port: 26379 }], name: '' }, 'name', '""'],
      ['sentinels that are not an array', { sentinels: 'h:26379', name: 'm' }, 'sentinels', '"h:26379"'],
      ['an empty sentinels array', { sentinels: [], name: 'm' }, 'sentinels', '[]'],
      ['a cluster without nodes', { cluster: { nodes: [] } }, 'cluster.nodes', '[]'],
      ['a cluster that is not an object', { cluster: 'h:7000' }, 'cluster.nodes', 'undefined'],
      ['a client that is not a client', { client: 'redis://h' }, 'client', '"redis://h"'],
      ['ioredis options that are not an object', { redis: 'db=2' }, 'redis', '"db=2"'],
      ['a keyPrefix with a newline', { keyPrefix: 'a\nb' }, 'keyPrefix', '"a\\nb"'],
      ['a keyPrefix that is not a string', { keyPrefix: 7 }, 'keyPrefix', '7'],
      ['a non-integer version', { version: 1.5 }, 'version', '1.5'],
      ['a version given as a string', { version: '2' }, 'version', '"2"'],
      ['a version beyond safe integers', { version: 2 ** 53 }, 'version', String(2 ** 53)],
      ['a keyFunction that is not a function', { keyFunction: 'x' }, 'keyFunction', '"x"'],
      ['a keyFunction dropping the prefix', { keyPrefix: 'p', keyFunction: (k: string) => k }, 'keyFunction', 'probe'],
      ['a keyFunction returning a number', { keyFunction: () => 1 }, 'keyFunction', '1'],
      ['a negative defaultTtl', { defaultTtl: -1 }, 'defaultTtl', '-1'],
      ['an infinite defaultTtl', { defaultTtl: Infinity }, 'defaultTtl', undefined],
      ['a NaN defaultTtl', { defaultTtl: NaN }, 'defaultTtl', undefined],
      ['a defaultTtl given as a string', { defaultTtl: '300' }, 'defaultTtl', '"300"'],
      ['an unknown codec name', { codec: 'yaml' }, 'codec', '"yaml"'],
      ['a codec without decode', { codec: { id: 'x', encode: String } }, 'codec', '{"id":"x"}'],
      ['a codec without an id', { codec: { encode: String, decode: String } }, 'codec', '{}'],
      ['a zero compressAbove', { compressAbove: 0 }, 'compressAbove', '0'],
      ['a negative compressAbove', { compressAbove: -1 }, 'compressAbove', '-1'],
      ['a compressAbove given as a string', { compressAbove: '1kb' }, 'compressAbove', '"1kb"'],
      ['an unknown compression', { compression: 'zstd' }, 'compression', '"zstd"'],
      ['a zero maxValueBytes', { maxValueBytes: 0 }, 'maxValueBytes', '0'],
      ['an unknown onValueTooLarge', { onValueTooLarge: 'truncate' }, 'onValueTooLarge', '"truncate"'],
      ['a maxKeyLength of 64 or less', { maxKeyLength: 64 }, 'maxKeyLength', '64'],
      ['a zero commandTimeout', { commandTimeout: 0 }, 'commandTimeout', '0'],
      ['a negative commandTimeout', { commandTimeout: -5 }, 'commandTimeout', '-5'],
      ['an infinite commandTimeout', { commandTimeout: Infinity }, 'commandTimeout', undefined],
      ['a commandTimeout past the timer limit', { commandTimeout: 2 ** 31 }, 'commandTimeout', String(2 ** 31)],
      ['a commandTimeout given as a string', { commandTimeout: '500ms' }, 'commandTimeout', '"500ms"'],
      ['a failOpen that is not a boolean', { failOpen: 'yes' }, 'failOpen', '"yes"'],
      ['a zero breaker.threshold', { breaker: { threshold: 0 } }, 'breaker.threshold', '0'],
      ['a negative breaker.cooldownMs', { breaker: { cooldownMs: -1 } }, 'breaker.cooldownMs', '-1'],
      ['an unknown breaker option', { breaker: { treshold: 3 } }, 'breaker.treshold', '3'],
      ['a breaker that is not an object', { breaker: 3 }, 'breaker', '3'],
      ['a null breaker', { breaker: null }, 'breaker', 'null'],
      ['a zero memory.maxEntries', { memory: { maxEntries: 0 } }, 'memory.maxEntries', '0'],
      ['a NaN memory.maxBytes', { memory: { maxBytes: NaN } }, 'memory.maxBytes', undefined],
      ['an unknown memory option', { memory: { maxItems: 5 } }, 'memory.maxItems', '5'],
      ['a zero stampede.lockTtl', { stampede: { lockTtl: 0 } }, 'stampede.lockTtl', '0'],
      ['a negative stampede.lockWait', { stampede: { lockWait: -1 } }, 'stampede.lockWait', '-1'],
      ['an unknown stampede option', { stampede: { wait: 1 } }, 'stampede.wait', '1'],
      ['stampede as an array', { stampede: [1] }, 'stampede', '[1]'],
    ])('%s', (_, options, option, shownValue) => {
      const error = configError(() => resolveCacheOptions('c', options as CacheOptions));
      expect(error.option).toBe(option);
      expect(error.message).toContain(`"${option}"`);
      if (shownValue !== undefined) expect(error.message).toContain(shownValue);
      expect(error.message).toMatch(/expected .+\.$/);
    });

    it.each<[string, unknown, string]>([
      ['an invalid option', { defaultTtl: -1 }, 'caches.sessions.defaultTtl'],
      ['an invalid nested option', { breaker: { threshold: -1 } }, 'caches.sessions.breaker.threshold'],
      ['an unknown option', { ttl: 1 }, 'caches.sessions.ttl'],
      ['options that are not an object', 'redis://h', 'caches.sessions'],
    ])('%s prefixed with the path it was given', (_, options, option) => {
      const error = configError(() => resolveCacheOptions('sessions', options as CacheOptions, 'caches.sessions.'));
      expect(error.option).toBe(option);
      expect(error.message).toContain(`"${option}"`);
    });
  });
});

describe('resolveModuleOptions', () => {
  describe('when given top-level options and caches', () => {
    it('resolves the default cache first, then each named cache with its own defaults', () => {
      const resolved = resolveModuleOptions({
        keyPrefix: 'shop',
        defaultTtl: 60,
        caches: { sessions: { store: 'memory' }, pages: { keyPrefix: 'pages', codec: 'msgpack' } },
      });
      expect(resolved.map((cache) => cache.name)).toEqual(['default', 'sessions', 'pages']);
      expect(resolved[0]).toMatchObject({ keyPrefix: 'shop', defaultTtl: 60, store: 'redis' });
      // Named caches do not inherit the top-level options: each is a separate Django CACHES entry.
      expect(resolved[1]).toMatchObject({ keyPrefix: '', defaultTtl: 300, store: 'memory' });
      expect(resolved[2]).toMatchObject({ keyPrefix: 'pages', codec: 'msgpack' });
    });
  });

  describe('when given nothing', () => {
    it.each<[string, CacheModuleOptions | undefined]>([
      ['undefined', undefined],
      ['an empty object', {}],
      ['no caches', { caches: {} }],
    ])('%s resolves just the default cache', (_, options) => {
      const resolved = resolveModuleOptions(options);
      expect(resolved).toHaveLength(1);
      expect(resolved[0]).toMatchObject({ name: 'default', store: 'redis', defaultTtl: 300 });
    });
  });

  it('ignores isGlobal (a module extra) when a factory returns it', () => {
    const options = { isGlobal: true, keyPrefix: 'p' } as CacheModuleOptions;
    expect(resolveModuleOptions(options)[0]).toMatchObject({ keyPrefix: 'p' });
    expect(options).toEqual({ isGlobal: true, keyPrefix: 'p' });
  });

  describe('rejects with CacheConfigError naming the option path', () => {
    it.each<[string, unknown, string, string]>([
      ['options that are not an object', 42, '(options)', '42'],
      ['an unknown top-level option', { caches: {}, cache: {} }, 'cache', '{}'],
      ['cacheNames returned by a factory', { cacheNames: ['a'] }, 'cacheNames', '["a"]'],
      ['caches that are not an object', { caches: ['sessions'] }, 'caches', '["sessions"]'],
      ['a named cache called default', { caches: { default: {} } }, 'caches.default', '{}'],
      [
        'a bad option of a named cache',
        { caches: { sessions: { defaultTtl: -5 } } },
        'caches.sessions.defaultTtl',
        '-5',
      ],
      ['a bad URL of a named cache', { caches: { s: { url: 'http://h' } } }, 'caches.s.url', '"http://h"'],
      ['an unknown option of a named cache', { caches: { s: { prefix: 'x' } } }, 'caches.s.prefix', '"x"'],
      ['a named cache that is not an object', { caches: { s: true } }, 'caches.s', 'true'],
      ['a bad top-level option', { version: 1.5, caches: { s: {} } }, 'version', '1.5'],
    ])('%s', (_, options, option, shownValue) => {
      const error = configError(() => resolveModuleOptions(options as CacheModuleOptions));
      expect(error.option).toBe(option);
      expect(error.message).toContain(`"${option}"`);
      expect(error.message).toContain(shownValue);
    });
  });
});
