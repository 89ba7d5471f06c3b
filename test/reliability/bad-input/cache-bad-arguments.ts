import {
  CacheArgumentError,
  CacheKeyError,
  CacheSerializationError,
  CacheTtlError,
  CacheValueTooLargeError,
} from '@stash/cache';
import { COUNTER, cyclic, EXISTING, loader, MAX_VALUE_BYTES, overLimit, rows, type BadCall } from './cache-fixture.js';

const { key, tag } = EXISTING;

const TAGS = rows('tags', [
  [
    'one tag string',
    (c) => c.set(key, 'replaced', 60, { tags: tag as never }),
    CacheArgumentError,
    /set: invalid tags "recipes"/,
  ],
  [
    'an empty tag',
    (c) => c.set(key, 'replaced', 60, { tags: [tag, ''] }),
    CacheKeyError,
    /key "": keys must not be empty/,
  ],
  ['a tag with a newline', (c) => c.add('new', 1, 60, { tags: ['a\nb'] }), CacheKeyError, /key "a\\nb"/],
  ['a number tag', (c) => c.setMany({ new: 1 }, 60, { tags: [7 as never] }), CacheKeyError, /key 7 \(number\)/],
  [
    'tags as an object',
    (c) => c.getOrSet('new', loader, { tags: {} as never }),
    CacheArgumentError,
    /getOrSet: invalid tags \{\}/,
  ],
  [
    'invalidating one tag string',
    (c) => c.invalidateTags(tag as never),
    CacheArgumentError,
    /invalidateTags: invalid tags "recipes"/,
  ],
  [
    'invalidating null',
    (c) => c.invalidateTags(null as never),
    CacheArgumentError,
    /invalidateTags: invalid tags null/,
  ],
  ['invalidating a good and a bad tag', (c) => c.invalidateTags([tag, '']), CacheKeyError, /key ""/],
  ['a bad retry', (c) => c.invalidateTags([tag], { retry: 'yes' as never }), CacheArgumentError, /invalid retry "yes"/],
]);

const VERSIONS = rows('version', [
  [
    "a version that spells Stash's tag keys",
    (c) => c.set(tag, 'evil', 60, { version: '~tag' as never }),
    CacheArgumentError,
    /invalid version "~tag"; expected an integer/,
  ],
  [
    'a fractional version',
    (c) => c.set(key, 'replaced', 60, { version: 1.5 }),
    CacheArgumentError,
    /invalid version 1\.5/,
  ],
  ['a NaN version', (c) => c.get(key, undefined, { version: Number.NaN }), CacheArgumentError, /invalid version NaN/],
  [
    'a version given as text',
    (c) => c.deletePattern('*', { version: '1' as never }),
    CacheArgumentError,
    /version "1"/,
  ],
  [
    'a version past the safe integers',
    (c) => c.incrVersion(key, Number.MAX_SAFE_INTEGER),
    CacheArgumentError,
    /invalid version 9007199254740992/,
  ],
]);

const LOCKS = rows('lock', [
  ['an empty lock name', (c) => c.lock('', { blockingTimeout: 0 }), CacheKeyError, /key "": keys must not be empty/],
  ['a lock name with CRLF', (c) => c.lock('a\r\nb', { blockingTimeout: 0 }), CacheKeyError, /key "a\\r\\nb"/],
  [
    'a lock timeout of 0',
    (c) => c.lock('l', { timeout: 0 }),
    CacheArgumentError,
    /lock: invalid timeout 0; expected seconds > 0/,
  ],
  [
    'an infinite lock timeout',
    (c) => c.lock('l', { timeout: Infinity }),
    CacheArgumentError,
    /invalid timeout Infinity/,
  ],
  [
    'a negative blockingTimeout',
    (c) => c.lock('l', { blockingTimeout: -1 }),
    CacheArgumentError,
    /invalid blockingTimeout -1/,
  ],
  [
    'a task that is not a function',
    (c) => c.withLock('l', 'run' as never),
    CacheArgumentError,
    /withLock: invalid task "run"/,
  ],
]);

const DELTAS = rows('delta', [
  [
    'a fractional delta',
    (c) => c.incr(COUNTER.key, 1.5),
    CacheArgumentError,
    /incr: invalid delta 1\.5; expected a safe integer/,
  ],
  ['a delta given as text', (c) => c.decr(COUNTER.key, '1' as never), CacheArgumentError, /decr: invalid delta "1"/],
  ['a NaN delta', (c) => c.incrVersion(key, Number.NaN), CacheArgumentError, /incrVersion: invalid delta NaN/],
]);

// setMany encodes every value and builds every key before writing; getMany and deleteMany build every key first.
const MANY = rows('many keys', [
  ['setMany with one bad key', (c) => c.setMany({ [key]: 'replaced', 'bad\n': 1 }), CacheKeyError, /key "bad\\n"/],
  [
    'setMany with one cyclic value',
    (c) => c.setMany({ [key]: 'replaced', other: cyclic() }),
    CacheSerializationError,
    /"other"/,
  ],
  [
    'setMany with one value over the limit',
    (c) =>
      c.setMany([
        [key, 'replaced'],
        ['big', overLimit(MAX_VALUE_BYTES)],
      ]),
    CacheValueTooLargeError,
    /"big" is \d+ bytes/,
  ],
  ['setMany with a bad TTL', (c) => c.setMany({ [key]: 'replaced' }, -1), CacheTtlError, /Invalid TTL -1/],
  ['setMany of a string', (c) => c.setMany('ab' as never), CacheArgumentError, /setMany: invalid entries "ab"/],
  ['setMany of non-pairs', (c) => c.setMany([[key, 1], 'x'] as never), CacheArgumentError, /invalid entry 1 "x"/],
  ['deleteMany with one bad key', (c) => c.deleteMany([key, '']), CacheKeyError, /key ""/],
  [
    'deleteMany of one string',
    (c) => c.deleteMany(key as never),
    CacheArgumentError,
    /deleteMany: invalid keys "existing"/,
  ],
  ['getMany with one bad key', (c) => c.getMany([key, null as never]), CacheKeyError, /key null/],
  ['getMany of null', (c) => c.getMany(null as never), CacheArgumentError, /getMany: invalid keys null/],
]);

const OPTIONS = rows('other', [
  [
    'a getOrSet loader that is not a function',
    (c) => c.getOrSet('new', 'x' as never),
    CacheArgumentError,
    /invalid loader "x"/,
  ],
  [
    'getOrSet options of null',
    (c) => c.getOrSet('new', loader, null as never),
    CacheArgumentError,
    /invalid options null/,
  ],
  ['an empty glob', (c) => c.deletePattern(''), CacheArgumentError, /invalid glob ""/],
  [
    'a fragment without a name',
    (c) => c.fragment('', [], 60, () => 'x'),
    CacheArgumentError,
    /fragment: invalid name ""/,
  ],
]);

/** Bad tags, versions, lock arguments, deltas, many-key calls and other options (scenario 7). */
export const BAD_ARGUMENT_CALLS: readonly BadCall[] = [...TAGS, ...VERSIONS, ...LOCKS, ...DELTAS, ...MANY, ...OPTIONS];
