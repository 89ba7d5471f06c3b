import { createHash } from 'node:crypto';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import { serializeKeyValues } from './key-values.js';

// Django's TEMPLATE_FRAGMENT_KEY_TEMPLATE is "template.cache.%s.%s".
const FAMILY = 'template.cache';
// 32 hex characters (128 bits of SHA-256): as long as Django's md5 hex digest.
const HASH_LENGTH = 32;

/**
 * The cache key of a template fragment, as Django's `make_template_fragment_key`:
 * `template.cache.<name>.<hash of the vary-on values>` (the cache's key function then adds `prefix:version:`).
 * Unlike Django, which md5s the values joined with `:`, the hash covers an unambiguous serialisation, so
 * `['a:b']` and `['a', 'b']` are different fragments. Each value counts as its text: strings as they are,
 * numbers, BigInts and booleans as `String(value)` (`42` and `'42'` are one fragment, as in Django), Dates as
 * their ISO string; `null` and `undefined` are one "no value", distinct from the string `'null'`; arrays and
 * plain objects (keys sorted) are allowed.
 * @param name the fragment's name, as in `{% cache 500 "sidebar" %}`.
 * @param varyOn the values the fragment depends on, in order. @default []
 * @returns the user key of the fragment.
 * @throws CacheArgumentError when `name` is not a non-empty string or `varyOn` is not an array.
 * @throws CacheKeyArgumentError when a vary-on value is a function, a symbol, circular, an invalid Date or a
 * class instance other than Date.
 * @example cache.delete(fragmentKey('sidebar', [user.id])) // what invalidateFragment('sidebar', [user.id]) does
 */
export function fragmentKey(name: string, varyOn: readonly unknown[] = []): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new CacheArgumentError('fragment', 'name', name, 'a non-empty string');
  }
  if (!Array.isArray(varyOn)) {
    throw new CacheArgumentError('fragment', 'varyOn', varyOn, 'an array of the values the fragment varies on');
  }
  const text = serializeKeyValues(varyOn, 'text', {
    target: `fragment ${JSON.stringify(name)}`,
    element: 'vary-on value',
    hint: 'vary on strings, numbers, booleans, Dates, or arrays and plain objects of them (user.id, not user)',
  });
  const hash = createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
  return `${FAMILY}.${name}.${hash}`;
}
