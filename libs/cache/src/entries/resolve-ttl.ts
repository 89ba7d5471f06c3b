import { CacheTtlError } from '../errors/cache-ttl.error.js';

/**
 * Resolves a TTL argument: undefined → the cache default, null → never expires, 0 → do not store, otherwise
 * seconds. Negative, non-finite or non-numeric values throw instead of being coerced (unlike Django's 300 fallback).
 */
export function resolveTtl(ttl: number | null | undefined, defaultTtl: number | null): number | null {
  if (ttl === undefined) return defaultTtl;
  if (ttl === null) return null;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) throw new CacheTtlError(ttl);
  return ttl;
}
