import {
  CacheArgumentError,
  CacheKeyError,
  CacheSerializationError,
  CacheTtlError,
  CacheValueTooLargeError,
} from '@stash/cache';
import { cyclic, EXISTING, loader, MAX_VALUE_BYTES, overLimit, rows, type BadCall } from './cache-fixture.js';

const { key } = EXISTING;

const KEYS = rows('key', [
  ['an empty key', (c) => c.set('', 1), CacheKeyError, /key "": keys must not be empty/],
  ['a NUL in the key', (c) => c.set('exist\u0000ing', 1), CacheKeyError, /key "exist\\u0000ing": .*control/],
  ['a newline after the key', (c) => c.set(`${key}\n`, 1), CacheKeyError, /key "existing\\n": .*control/],
  ['an ANSI escape', (c) => c.set('\u001b[2Jexisting', 1), CacheKeyError, /key "\\u001b\[2Jexisting"/],
  ['a C1 control (NEL)', (c) => c.set('exist\u0085ing', 1), CacheKeyError, /key "exist\\u0085ing"/],
  ['a lone surrogate', (c) => c.set('exist\ud800ing', 1), CacheKeyError, /key "exist\\ud800ing": .*well-formed/],
  ['a number key', (c) => c.set(42 as never, 1), CacheKeyError, /key 42 \(number\): keys must be strings/],
  ['a null key', (c) => c.get(null as never), CacheKeyError, /key null \(object\)/],
  ['an object key', (c) => c.delete({ key } as never), CacheKeyError, /key \{"key":"existing"\} \(object\)/],
  ['a symbol key', (c) => c.has(Symbol('k') as never), CacheKeyError, /key Symbol\(k\) \(symbol\)/],
  ['a bad key to getOrSet', (c) => c.getOrSet('', loader), CacheKeyError, /key ""/],
  ['a bad key to incr', (c) => c.incr('count\ter'), CacheKeyError, /key "count\\ter"/],
]);

const VALUES = rows('value', [
  [
    'a cyclic object',
    (c) => c.set(key, cyclic()),
    CacheSerializationError,
    /"existing".*value\.child\.parent is a circ/,
  ],
  ['a function', (c) => c.set(key, () => 1), CacheSerializationError, /"existing".*value is a function/],
  ['a nested symbol', (c) => c.set(key, { a: [Symbol('s')] }), CacheSerializationError, /value\.a\[0\] is a symbol/],
  [
    'a BigInt (json)',
    (c) => c.set(key, 10n),
    CacheSerializationError,
    /"existing" with the json codec: value is a BigInt/,
  ],
  ['NaN (json)', (c) => c.set(key, { n: Number.NaN }), CacheSerializationError, /value\.n is NaN/],
  ['a Map (json)', (c) => c.add('new', new Map()), CacheSerializationError, /"new".*value is a Map/],
  [
    'an invalid Date',
    (c) => c.set(key, { at: new Date('nope') }),
    CacheSerializationError,
    /value\.at is an invalid Date/,
  ],
  ['undefined (a miss)', (c) => c.set(key, undefined), CacheSerializationError, /"existing"/],
  [
    'a value over maxValueBytes',
    (c) => c.set(key, overLimit(MAX_VALUE_BYTES)),
    CacheValueTooLargeError,
    /"existing" is \d+ bytes once encoded, over maxValueBytes \(65536\)/,
  ],
  [
    'an 8 MB value',
    (c) => c.set(key, overLimit(6 * 1024 * 1024)),
    CacheValueTooLargeError,
    /"existing" is \d{7,} bytes/,
  ],
  [
    'a loader result over maxValueBytes',
    (c) => c.getOrSet('new', () => overLimit(MAX_VALUE_BYTES)),
    CacheValueTooLargeError,
    /"new" is \d+ bytes/,
  ],
]);

const TTLS = rows('ttl', [
  ['a negative TTL', (c) => c.set(key, 'replaced', -1), CacheTtlError, /Invalid TTL -1:/],
  ['a NaN TTL', (c) => c.set(key, 'replaced', Number.NaN), CacheTtlError, /Invalid TTL NaN:/],
  ['an infinite TTL', (c) => c.add('new', 'v', Infinity), CacheTtlError, /Invalid TTL Infinity:/],
  ['a TTL given as text', (c) => c.set(key, 'replaced', '60' as never), CacheTtlError, /Invalid TTL "60":/],
  ['a BigInt TTL', (c) => c.touch(key, 60n as never), CacheTtlError, /Invalid TTL 60n:/],
  ['a negative expire', (c) => c.expire(key, -5), CacheTtlError, /Invalid TTL -5:/],
  ['an object TTL to getOrSet', (c) => c.getOrSet('new', loader, { ttl: {} as never }), CacheTtlError, /TTL \{\}/],
  [
    'a negative staleWhileRevalidate',
    (c) => c.getOrSet('new', loader, { staleWhileRevalidate: -1 }),
    CacheArgumentError,
    /getOrSet: invalid staleWhileRevalidate -1/,
  ],
  [
    'a NaN loaderTimeout',
    (c) => c.getOrSet('new', loader, { loaderTimeout: Number.NaN }),
    CacheArgumentError,
    /invalid loaderTimeout NaN/,
  ],
]);

/** Bad keys, values and TTLs (scenario 7): the contract's tables (libs/cache/test/support) and a few more. */
export const BAD_KEY_VALUE_CALLS: readonly BadCall[] = [...KEYS, ...VALUES, ...TTLS];
