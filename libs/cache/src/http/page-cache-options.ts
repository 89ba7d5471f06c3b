import { CacheConfigError } from '../errors/cache-config.error.js';
import { DEFAULT_CACHE_NAME } from '../cache.constants.js';
import type { PageCacheOptions } from './page-cache-options.interface.js';
import { resolvePageEdgeOptions, type ResolvedPageEdgeOptions } from './edge/page-edge-options.js';
import { queryRules, type QueryRules } from './page-url.js';

/** Page cache options with every default applied; built once at bootstrap. @internal */
export interface ResolvedPageCacheOptions {
  readonly allowedHosts: readonly string[];
  readonly cache: string;
  readonly keyPrefix: string;
  readonly query: QueryRules;
  readonly learnedVaryTtlMs: number;
  readonly edge: ResolvedPageEdgeOptions;
}

/** Defaults of the optional `PageCacheModule` options. */
export const PAGE_CACHE_DEFAULTS = Object.freeze({
  cache: DEFAULT_CACHE_NAME,
  keyPrefix: '',
  ignoredQueryParams: [] as readonly string[],
  sortQuery: false,
  learnedVaryTtlMs: 10_000,
});

const OPTION_NAMES = new Set([
  'allowedHosts',
  'cache',
  'keyPrefix',
  'ignoredQueryParams',
  'sortQuery',
  'learnedVaryTtlMs',
  'edge',
  'isGlobal',
]);

/** Validates `PageCacheModule` options; throws `CacheConfigError` naming the option (`pageCache.<name>`). */
export function resolvePageCacheOptions(raw: PageCacheOptions | undefined): ResolvedPageCacheOptions {
  const at = (name: string) => `pageCache.${name}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CacheConfigError('pageCache', raw, 'an object with at least allowedHosts');
  }
  for (const name of Object.keys(raw)) {
    if (!OPTION_NAMES.has(name)) {
      throw new CacheConfigError(
        at(name),
        (raw as unknown as Record<string, unknown>)[name],
        `one of ${[...OPTION_NAMES].join(', ')}`,
      );
    }
  }
  const { allowedHosts } = raw;
  if (!Array.isArray(allowedHosts) || allowedHosts.length === 0 || !allowedHosts.every(isNonEmptyString)) {
    throw new CacheConfigError(
      at('allowedHosts'),
      allowedHosts,
      "a non-empty array of host names ('example.com', '.example.com' for subdomains, '*' for any)",
    );
  }
  const cache = raw.cache ?? PAGE_CACHE_DEFAULTS.cache;
  if (!isNonEmptyString(cache)) throw new CacheConfigError(at('cache'), cache, 'the name of a configured cache');
  const keyPrefix = raw.keyPrefix ?? PAGE_CACHE_DEFAULTS.keyPrefix;
  if (typeof keyPrefix !== 'string' || /[\x00-\x1f\x7f]/.test(keyPrefix)) {
    throw new CacheConfigError(at('keyPrefix'), keyPrefix, 'a string without control characters');
  }
  const ignored = raw.ignoredQueryParams ?? PAGE_CACHE_DEFAULTS.ignoredQueryParams;
  if (!Array.isArray(ignored) || !ignored.every((name) => isNonEmptyString(name) && name !== '*')) {
    throw new CacheConfigError(at('ignoredQueryParams'), ignored, "an array of parameter names or prefixes ('utm_*')");
  }
  const sortQuery = raw.sortQuery ?? PAGE_CACHE_DEFAULTS.sortQuery;
  if (typeof sortQuery !== 'boolean') throw new CacheConfigError(at('sortQuery'), sortQuery, 'a boolean');
  const learnedVaryTtlMs = raw.learnedVaryTtlMs ?? PAGE_CACHE_DEFAULTS.learnedVaryTtlMs;
  if (typeof learnedVaryTtlMs !== 'number' || !Number.isFinite(learnedVaryTtlMs) || learnedVaryTtlMs < 0) {
    throw new CacheConfigError(at('learnedVaryTtlMs'), learnedVaryTtlMs, 'milliseconds >= 0');
  }
  return Object.freeze({
    allowedHosts: Object.freeze(allowedHosts.map((host) => host.toLowerCase())),
    cache,
    keyPrefix,
    query: queryRules(ignored, sortQuery),
    learnedVaryTtlMs,
    edge: resolvePageEdgeOptions(raw.edge),
  });
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
