import { createHash } from 'node:crypto';
import type { KeyFunction } from '../cache-options.interface.js';
import { CacheKeyError } from '../errors/cache-key.error.js';

// C0 controls, DEL and the C1 controls (U+0080–U+009F), which terminals and log viewers interpret too.
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f-\x9f]/;
// A surrogate half without its pair: UTF-8 (Redis, SHA-256 input) turns each into U+FFFD, so two keys would meet.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const READABLE_PREFIX_LENGTH = 48;
// Marks a hashed key; a key containing it is hashed too, so no plain key can spell another key's hashed form.
const HASH_MARK = '…#';
const DIGEST_LENGTH = 43; // SHA-256 in base64url

/** Django's `default_key_func`: `${keyPrefix}:${version}:${key}`. */
export const defaultKeyFunction: KeyFunction = (key, keyPrefix, version) => `${keyPrefix}:${version}:${key}`;

/**
 * Checks a user key where it enters and returns the key to store. Keys over `maxLength` characters become
 * their first characters plus a SHA-256 digest (at most `maxLength` characters in all), so user input can never
 * produce a giant key.
 */
export function normalizeKey(key: unknown, maxLength: number): string {
  if (typeof key !== 'string') throw new CacheKeyError(key, 'keys must be strings');
  if (key.length === 0) throw new CacheKeyError(key, 'keys must not be empty');
  if (CONTROL_CHARACTERS.test(key)) throw new CacheKeyError(key, 'keys must not contain control characters');
  if (LONE_SURROGATE.test(key)) {
    throw new CacheKeyError(key, 'keys must be well-formed Unicode (a lone surrogate is stored as U+FFFD)');
  }
  if (key.length <= maxLength && !key.includes(HASH_MARK)) return key;
  const digest = createHash('sha256').update(key).digest('base64url');
  // The readable part shrinks so that the hashed key itself stays within maxLength.
  const readable = Math.max(0, Math.min(READABLE_PREFIX_LENGTH, maxLength - HASH_MARK.length - DIGEST_LENGTH));
  return `${key.slice(0, readable)}${HASH_MARK}${digest}`;
}
