import type { CacheModuleOptions, CacheOptions, KeyFunction } from './cache-options.interface.js';
import type { CacheCodec } from './codec/cache-codec.interface.js';
import { DEFAULT_CACHE_NAME } from './cache.constants.js';
import { CacheConfigError } from './errors/cache-config.error.js';
import { defaultKeyFunction } from './keys/entry-key.js';
import { resolveNearOptions, type ResolvedNearOptions } from './near/near-options.js';

/** A cache's options with every default applied; built once at bootstrap. */
export interface ResolvedCacheOptions {
  readonly name: string;
  readonly store: 'redis' | 'memory' | 'dummy';
  readonly connection: Pick<CacheOptions, 'url' | 'redis' | 'sentinels' | 'name' | 'cluster' | 'client'>;
  readonly keyPrefix: string;
  readonly version: number;
  readonly keyFunction: KeyFunction;
  readonly customKeyFunction: boolean;
  readonly defaultTtl: number | null;
  readonly codec: 'json' | 'msgpack' | CacheCodec;
  readonly compressAbove: number | undefined;
  readonly compression: 'gzip' | 'brotli';
  readonly maxValueBytes: number | undefined;
  readonly onValueTooLarge: 'throw' | 'skip';
  readonly maxKeyLength: number;
  readonly commandTimeout: number;
  readonly failOpen: boolean;
  readonly breaker: { readonly threshold: number; readonly cooldownMs: number };
  readonly memory: { readonly maxEntries: number; readonly maxBytes: number };
  readonly stampede: { readonly lockTtl: number; readonly lockWait: number };
  /** The near cache's options; undefined when it is off. */
  readonly near: ResolvedNearOptions | undefined;
}

export const CACHE_DEFAULTS = Object.freeze({
  store: 'redis',
  url: 'redis://127.0.0.1:6379',
  keyPrefix: '',
  version: 1,
  defaultTtl: 300,
  codec: 'json',
  compression: 'gzip',
  onValueTooLarge: 'throw',
  maxKeyLength: 200,
  commandTimeout: 500,
  failOpen: true,
  breaker: { threshold: 5, cooldownMs: 1000 },
  memory: { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 },
  stampede: { lockTtl: 10, lockWait: 5 },
} as const);

const CACHE_OPTION_NAMES = new Set<string>([
  'store',
  'url',
  'redis',
  'sentinels',
  'name',
  'cluster',
  'client',
  'keyPrefix',
  'version',
  'keyFunction',
  'defaultTtl',
  'codec',
  'compressAbove',
  'compression',
  'maxValueBytes',
  'onValueTooLarge',
  'maxKeyLength',
  'commandTimeout',
  'failOpen',
  'breaker',
  'memory',
  'stampede',
  'near',
]);
const GROUP_OPTION_NAMES = {
  breaker: new Set(['threshold', 'cooldownMs']),
  memory: new Set(['maxEntries', 'maxBytes']),
  stampede: new Set(['lockTtl', 'lockWait']),
} as const;
// setTimeout turns longer delays into 1 ms, which would time out every command at once.
const MAX_TIMER_MS = 2 ** 31 - 1;
const MODULE_OPTION_NAMES = new Set<string>([...CACHE_OPTION_NAMES, 'caches', 'isGlobal']);

/** Validates `CacheModule` options and returns each cache's resolved options, `default` first. */
export function resolveModuleOptions(raw: CacheModuleOptions | undefined): ResolvedCacheOptions[] {
  const options = raw ?? {};
  assertObject('(options)', options);
  assertKnownKeys('', options, MODULE_OPTION_NAMES);
  const { caches = {}, ...defaultCache } = options;
  assertObject('caches', caches);
  if (DEFAULT_CACHE_NAME in caches) {
    throw new CacheConfigError('caches.default', caches.default, 'the default cache configured at the top level');
  }
  delete (defaultCache as { isGlobal?: boolean }).isGlobal;
  const resolved = [
    resolveCacheOptions(DEFAULT_CACHE_NAME, defaultCache, ''),
    ...Object.entries(caches).map(([name, cache]) => resolveCacheOptions(name, cache, `caches.${name}.`)),
  ];
  assertSeparateNamespaces(resolved);
  return resolved;
}

/**
 * Two Redis caches on one server whose prefixes are equal or nested (`shop`, `shop:2`) would read each other's
 * keys, and `clear()` on one would delete the other's.
 */
function assertSeparateNamespaces(caches: readonly ResolvedCacheOptions[]): void {
  const onRedis = caches.filter((cache) => cache.store === 'redis' && !cache.connection.client);
  for (const [i, a] of onRedis.entries()) {
    for (const b of onRedis.slice(i + 1)) {
      if (serverOf(a) !== serverOf(b)) continue;
      const [outer, inner] = a.keyPrefix.length <= b.keyPrefix.length ? [a, b] : [b, a];
      if (inner.keyPrefix === outer.keyPrefix || inner.keyPrefix.startsWith(`${outer.keyPrefix}:`)) {
        const path = inner.name === DEFAULT_CACHE_NAME ? 'keyPrefix' : `caches.${inner.name}.keyPrefix`;
        throw new CacheConfigError(
          path,
          inner.keyPrefix,
          `a prefix that neither equals nor extends cache "${outer.name}"'s ("${outer.keyPrefix}") on the same server`,
        );
      }
    }
  }
}

function serverOf(cache: ResolvedCacheOptions): string {
  const { url = CACHE_DEFAULTS.url, redis, sentinels, name, cluster } = cache.connection;
  if (cluster) return JSON.stringify(cluster.nodes);
  if (sentinels) return JSON.stringify([sentinels, name, redis?.db ?? 0]);
  const { hostname, port, pathname } = new URL(url);
  return JSON.stringify([hostname, port || '6379', redis?.db ?? (Number(pathname.slice(1)) || 0)]);
}

/** Validates one cache's options; `path` prefixes option names in error messages. */
export function resolveCacheOptions(name: string, raw: CacheOptions, path = ''): ResolvedCacheOptions {
  assertObject(path ? path.slice(0, -1) : '(options)', raw);
  assertKnownKeys(path, raw, CACHE_OPTION_NAMES);
  const at = (option: string) => `${path}${option}`;

  const store = raw.store ?? CACHE_DEFAULTS.store;
  if (store !== 'redis' && store !== 'memory' && store !== 'dummy') {
    throw new CacheConfigError(at('store'), store, "'redis', 'memory' or 'dummy'");
  }

  const targets = (['url', 'client', 'cluster', 'sentinels'] as const).filter((k) => raw[k] !== undefined);
  if (targets.length > 1) {
    throw new CacheConfigError(
      at(targets[1]),
      raw[targets[1]],
      `only one of url, client, cluster, sentinels (${targets[0]} is set)`,
    );
  }
  if (raw.url !== undefined && !isRedisUrl(raw.url)) {
    throw new CacheConfigError(at('url'), raw.url, 'a redis:// or rediss:// URL, with an optional integer db (/2)');
  }
  if (raw.sentinels !== undefined && (!Array.isArray(raw.sentinels) || raw.sentinels.length === 0)) {
    throw new CacheConfigError(at('sentinels'), raw.sentinels, 'a non-empty array of { host, port }');
  }
  if (raw.sentinels !== undefined && (typeof raw.name !== 'string' || !raw.name)) {
    throw new CacheConfigError(at('name'), raw.name, 'the master name monitored by the sentinels');
  }
  if (raw.cluster !== undefined && (!Array.isArray(raw.cluster?.nodes) || raw.cluster.nodes.length === 0)) {
    throw new CacheConfigError(at('cluster.nodes'), raw.cluster?.nodes, 'a non-empty array of cluster nodes');
  }
  if (raw.client !== undefined && typeof (raw.client as { on?: unknown } | null)?.on !== 'function') {
    throw new CacheConfigError(at('client'), raw.client, 'an ioredis Redis or Cluster client');
  }
  if (raw.redis !== undefined) assertObject(at('redis'), raw.redis);
  if (raw.redis?.keyPrefix !== undefined) {
    throw new CacheConfigError(
      at('redis.keyPrefix'),
      raw.redis.keyPrefix,
      "nothing: ioredis's keyPrefix is not applied to SCAN patterns, so clear() would miss keys; use keyPrefix",
    );
  }
  for (const group of ['breaker', 'memory', 'stampede'] as const) {
    if (raw[group] === undefined) continue;
    assertObject(at(group), raw[group]);
    assertKnownKeys(at(`${group}.`), raw[group], GROUP_OPTION_NAMES[group]);
  }

  const keyPrefix = raw.keyPrefix ?? CACHE_DEFAULTS.keyPrefix;
  if (typeof keyPrefix !== 'string' || /[\x00-\x1f\x7f]/.test(keyPrefix)) {
    throw new CacheConfigError(at('keyPrefix'), keyPrefix, 'a string without control characters');
  }
  const version = raw.version ?? CACHE_DEFAULTS.version;
  if (!Number.isSafeInteger(version)) throw new CacheConfigError(at('version'), version, 'an integer');

  const keyFunction = raw.keyFunction ?? defaultKeyFunction;
  if (typeof keyFunction !== 'function') throw new CacheConfigError(at('keyFunction'), keyFunction, 'a function');
  const probe = keyFunction('probe', keyPrefix, version);
  if (typeof probe !== 'string' || !probe.startsWith(`${keyPrefix}:`)) {
    throw new CacheConfigError(
      at('keyFunction'),
      probe,
      `a key starting with "${keyPrefix}:" so that clear() can find it`,
    );
  }

  const defaultTtl = raw.defaultTtl === undefined ? CACHE_DEFAULTS.defaultTtl : raw.defaultTtl;
  if (defaultTtl !== null && !isNonNegative(defaultTtl)) {
    throw new CacheConfigError(at('defaultTtl'), defaultTtl, 'seconds >= 0, or null for never');
  }

  const codec = raw.codec ?? CACHE_DEFAULTS.codec;
  if (codec !== 'json' && codec !== 'msgpack' && !isCodec(codec)) {
    throw new CacheConfigError(at('codec'), codec, "'json', 'msgpack' or { id, encode(value), decode(buffer) }");
  }
  const compression = raw.compression ?? CACHE_DEFAULTS.compression;
  if (compression !== 'gzip' && compression !== 'brotli') {
    throw new CacheConfigError(at('compression'), compression, "'gzip' or 'brotli'");
  }
  const onValueTooLarge = raw.onValueTooLarge ?? CACHE_DEFAULTS.onValueTooLarge;
  if (onValueTooLarge !== 'throw' && onValueTooLarge !== 'skip') {
    throw new CacheConfigError(at('onValueTooLarge'), onValueTooLarge, "'throw' or 'skip'");
  }
  if (raw.failOpen !== undefined && typeof raw.failOpen !== 'boolean') {
    throw new CacheConfigError(at('failOpen'), raw.failOpen, 'a boolean');
  }

  return Object.freeze({
    name,
    store,
    connection: Object.freeze({
      url: raw.url,
      redis: raw.redis,
      sentinels: raw.sentinels,
      name: raw.name,
      cluster: raw.cluster,
      client: raw.client,
    }),
    keyPrefix,
    version,
    keyFunction,
    customKeyFunction: raw.keyFunction !== undefined,
    defaultTtl,
    codec,
    compressAbove: optionalPositive(at('compressAbove'), raw.compressAbove),
    compression,
    maxValueBytes: optionalPositive(at('maxValueBytes'), raw.maxValueBytes),
    onValueTooLarge,
    maxKeyLength: positive(at('maxKeyLength'), raw.maxKeyLength, CACHE_DEFAULTS.maxKeyLength, 64),
    commandTimeout: atMost(
      at('commandTimeout'),
      positive(at('commandTimeout'), raw.commandTimeout, CACHE_DEFAULTS.commandTimeout),
      MAX_TIMER_MS,
    ),
    failOpen: raw.failOpen ?? CACHE_DEFAULTS.failOpen,
    breaker: Object.freeze({
      threshold: positive(at('breaker.threshold'), raw.breaker?.threshold, CACHE_DEFAULTS.breaker.threshold),
      cooldownMs: positive(at('breaker.cooldownMs'), raw.breaker?.cooldownMs, CACHE_DEFAULTS.breaker.cooldownMs),
    }),
    memory: Object.freeze({
      maxEntries: positive(at('memory.maxEntries'), raw.memory?.maxEntries, CACHE_DEFAULTS.memory.maxEntries),
      maxBytes: positive(at('memory.maxBytes'), raw.memory?.maxBytes, CACHE_DEFAULTS.memory.maxBytes),
    }),
    stampede: Object.freeze({
      lockTtl: positive(at('stampede.lockTtl'), raw.stampede?.lockTtl, CACHE_DEFAULTS.stampede.lockTtl),
      lockWait: positive(at('stampede.lockWait'), raw.stampede?.lockWait, CACHE_DEFAULTS.stampede.lockWait),
    }),
    near: resolveNearOptions(at('near'), raw.near, store),
  });
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function positive(option: string, value: unknown, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!isNonNegative(value) || value <= min) throw new CacheConfigError(option, value, `a finite number > ${min}`);
  return value;
}

function atMost(option: string, value: number, max: number): number {
  if (value > max) throw new CacheConfigError(option, value, `a finite number <= ${max}`);
  return value;
}

function isRedisUrl(value: unknown): boolean {
  if (typeof value !== 'string' || !/^rediss?:\/\/[^\s]*$/.test(value)) return false;
  try {
    // The path is the db number (ioredis would send SELECT with whatever it holds).
    return /^(\/\d*)?$/.test(new URL(value).pathname);
  } catch {
    return false;
  }
}

function optionalPositive(option: string, value: unknown): number | undefined {
  return value === undefined ? undefined : positive(option, value, 0);
}

function isCodec(value: unknown): value is CacheCodec {
  const codec = value as CacheCodec;
  return (
    typeof codec === 'object' &&
    codec !== null &&
    typeof codec.id === 'string' &&
    typeof codec.encode === 'function' &&
    typeof codec.decode === 'function'
  );
}

function assertObject(option: string, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CacheConfigError(option, value, 'an object');
  }
}

function assertKnownKeys(path: string, options: object, known: Set<string>): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new CacheConfigError(
        `${path}${key}`,
        (options as Record<string, unknown>)[key],
        `one of ${[...known].join(', ')}`,
      );
    }
  }
}
