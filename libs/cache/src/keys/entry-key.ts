import { createHash } from 'node:crypto';
import type { KeyFunction } from '../cache-options.interface.js';
import { CacheKeyError } from '../errors/cache-key.error.js';

const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]/;
const READABLE_PREFIX_LENGTH = 48;

/** Django's `default_key_func`: `${keyPrefix}:${version}:${key}`. */
export const defaultKeyFunction: KeyFunction = (key, keyPrefix, version) => `${keyPrefix}:${version}:${key}`;

/**
 * Checks a user key where it enters and returns the key to store. Keys over `maxLength` characters become
 * their first characters plus a SHA-256 digest, so user input can never produce a giant key.
 */
export function normalizeKey(key: unknown, maxLength: number): string {
  if (typeof key !== 'string') throw new CacheKeyError(key, 'keys must be strings');
  if (key.length === 0) throw new CacheKeyError(key, 'keys must not be empty');
  if (CONTROL_CHARACTERS.test(key)) throw new CacheKeyError(key, 'keys must not contain control characters');
  if (key.length <= maxLength) return key;
  const digest = createHash('sha256').update(key).digest('base64url');
  return `${key.slice(0, READABLE_PREFIX_LENGTH)}…#${digest}`;
}
