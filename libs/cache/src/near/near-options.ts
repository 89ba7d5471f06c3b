import type { NearCacheOptions } from './near-options.interface.js';
import { CacheConfigError } from '../errors/cache-config.error.js';

/** The near cache's options with every default applied (`ResolvedCacheOptions.near`). Durations in ms. */
export interface ResolvedNearOptions {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly ttlMs: number;
  readonly heartbeatMs: number;
  /** How long after its last own heartbeat came back the channel counts as live: `2 × heartbeatMs`. */
  readonly staleAfterMs: number;
}

/** Defaults of the `near` option (`near: true`): entries, bytes, `ttl` in seconds, `heartbeatMs` in ms. */
export const NEAR_DEFAULTS = Object.freeze({
  maxEntries: 10_000,
  maxBytes: 32 * 1024 * 1024,
  ttl: 60,
  heartbeatMs: 500,
} as const);

const NEAR_OPTION_NAMES = ['maxEntries', 'maxBytes', 'ttl', 'heartbeatMs'];
const MIN_HEARTBEAT_MS = 10;
// setInterval turns longer delays into 1 ms; the stale bound is twice the heartbeat.
const MAX_HEARTBEAT_MS = Math.floor((2 ** 31 - 1) / 2);

/**
 * Validates `near` (`true`, `false`, nothing, or `{ maxEntries, maxBytes, ttl, heartbeatMs }`); `at` names the
 * option in errors (`caches.products.near`). The memory and dummy stores live in process already: a near cache
 * in front of them is refused.
 * @throws CacheConfigError naming the option, the value and what is accepted.
 */
export function resolveNearOptions(
  at: string,
  raw: boolean | NearCacheOptions | undefined,
  store: string,
): ResolvedNearOptions | undefined {
  if (raw === undefined || raw === false) return undefined;
  if (raw !== true && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw new CacheConfigError(at, raw, 'true, false, or { maxEntries, maxBytes, ttl, heartbeatMs }');
  }
  if (store !== 'redis') {
    throw new CacheConfigError(
      at,
      raw,
      `false or nothing with store '${store}': a near cache only fronts the Redis store, the ${store} store lives in process already`,
    );
  }
  const options: NearCacheOptions = raw === true ? {} : raw;
  for (const name of Object.keys(options)) {
    if (!NEAR_OPTION_NAMES.includes(name)) {
      throw new CacheConfigError(
        `${at}.${name}`,
        (options as Record<string, unknown>)[name],
        `one of ${NEAR_OPTION_NAMES.join(', ')}`,
      );
    }
  }
  const maxEntries = integer(`${at}.maxEntries`, options.maxEntries, NEAR_DEFAULTS.maxEntries, 1, 2 ** 31);
  const maxBytes = integer(`${at}.maxBytes`, options.maxBytes, NEAR_DEFAULTS.maxBytes, 1, Number.MAX_SAFE_INTEGER);
  const ttl = options.ttl ?? NEAR_DEFAULTS.ttl;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0 || ttl * 1000 > 2 ** 31 - 1) {
    throw new CacheConfigError(`${at}.ttl`, ttl, 'seconds > 0 (the longest a near entry is served without Redis)');
  }
  const heartbeatMs = integer(
    `${at}.heartbeatMs`,
    options.heartbeatMs,
    NEAR_DEFAULTS.heartbeatMs,
    MIN_HEARTBEAT_MS,
    MAX_HEARTBEAT_MS,
  );
  return Object.freeze({ maxEntries, maxBytes, ttlMs: ttl * 1000, heartbeatMs, staleAfterMs: 2 * heartbeatMs });
}

function integer(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw new CacheConfigError(option, value, `an integer from ${min} to ${max}`);
  }
  return value as number;
}
