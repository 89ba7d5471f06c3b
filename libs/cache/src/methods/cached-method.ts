import type { CacheService } from '../cache.service.js';
import type { CachedOptions } from './cached-options.interface.js';
import { CachedMethodError } from '../errors/cached-method.error.js';
import { methodKey } from '../keys/method-key.js';
import { isTagList } from './cached-options.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Where a cached method lives, for its default key and its errors. */
export interface MethodSite {
  readonly className: string;
  readonly methodName: string;
}

/** The replacement of a `@Cached` method: every call goes through the cache's `getOrSet`. */
export function cachedMethod(original: Method, site: MethodSite, options: CachedOptions, cache: CacheService): Method {
  const { className, methodName } = site;
  const fail = (reason: string) => new CachedMethodError(className, methodName, reason);
  const wrapped = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const key = options.key ? options.key(...args) : methodKey(className, methodName, args);
    if (typeof key !== 'string' || key.length === 0) {
      throw fail(`the key function returned ${describe(key)}; it must return a non-empty string`);
    }
    const tags = typeof options.tags === 'function' ? options.tags(...args) : options.tags;
    if (tags !== undefined && !isTagList(tags)) {
      throw fail(`the tags function returned ${describe(tags)}; it must return an array of non-empty strings`);
    }
    return cache.getOrSet(
      key,
      async () => {
        const result = original.apply(this, args);
        // A synchronous method would silently become asynchronous for its callers; refuse it instead.
        if (!isThenable(result)) throw fail(`returned ${describe(result)}, not a Promise; make the method async`);
        return await result;
      },
      { ttl: options.ttl, tags, staleWhileRevalidate: options.staleWhileRevalidate, grace: options.grace },
    );
  };
  Object.defineProperty(wrapped, 'name', { value: original.name });
  return wrapped;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array with a non-string' : 'an object';
}
