import type { CacheContext } from '../entries/cache-context.js';
import type { GetOrSetOptions } from './get-or-set-options.interface.js';
import type { Loader } from './run-loader.js';
import { assertTags } from '../cache-arguments.js';
import { resolveTtl } from '../entries/resolve-ttl.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';

/** One `getOrSet` call with its options validated and resolved (durations in ms). */
export interface GetOrSetPlan<T> {
  readonly userKey: string;
  readonly storedKey: string;
  readonly tags: readonly string[];
  readonly loader: Loader<T>;
  readonly ttl: number | null;
  readonly staleMs: number;
  readonly graceMs: number;
  readonly loaderTimeout: number | undefined;
  readonly beta: number | undefined;
  readonly options: GetOrSetOptions;
}

/** Validates a call's key, tags and options before anything is read. */
export function planGetOrSet<T>(
  context: CacheContext,
  key: string,
  loader: Loader<T>,
  options: GetOrSetOptions,
): GetOrSetPlan<T> {
  const { keys, options: cache } = context;
  if (typeof options !== 'object' || options === null) {
    throw new CacheArgumentError('getOrSet', 'options', options, 'an object of getOrSet options, or nothing');
  }
  const storedKey = keys.entry(key, options.version);
  const tags = [...new Set(assertTags('getOrSet', options.tags))] as string[];
  tags.forEach((tag) => keys.tag(tag));
  if (typeof loader !== 'function') throw new CacheArgumentError('getOrSet', 'loader', loader, 'a function');
  return {
    userKey: key,
    storedKey,
    tags,
    loader,
    ttl: resolveTtl(options.ttl, cache.defaultTtl),
    staleMs: seconds('staleWhileRevalidate', options.staleWhileRevalidate) * 1000,
    graceMs: seconds('grace', options.grace) * 1000,
    loaderTimeout: options.loaderTimeout === undefined ? undefined : positive('loaderTimeout', options.loaderTimeout),
    beta: earlyRefreshBeta(options.earlyRefresh),
    options,
  };
}

function earlyRefreshBeta(option: GetOrSetOptions['earlyRefresh']): number | undefined {
  if (!option) return undefined;
  return option === true ? 1 : positive('earlyRefresh.beta', option.beta ?? 1);
}

function seconds(name: string, value: number | undefined): number {
  return value === undefined ? 0 : positive(name, value, true);
}

function positive(name: string, value: number, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new CacheArgumentError('getOrSet', name, value, allowZero ? 'seconds >= 0' : 'seconds > 0');
  }
  return value;
}
