import { SetMetadata } from '@nestjs/common';
import { CACHED_METADATA } from '../cache.constants.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import type { CachedOptions } from '../methods/cached-options.interface.js';
import { cachedOptions } from '../methods/cached-options.js';

/** A method decorator that accepts only methods returning a Promise. */
export type CachedMethodDecorator = <T extends (...args: never[]) => Promise<unknown>>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<T>,
) => void;

/**
 * Caches the results of a provider method through `getOrSet`, keyed by its arguments (Django's service-layer
 * `cache.get_or_set` pattern), so concurrent calls share one run, and `staleWhileRevalidate`/`grace` apply.
 * `CacheModule` wraps the decorated methods of every singleton provider when the module initialises;
 * request-scoped providers, controllers and providers of lazily loaded modules are not wrapped (a warning names
 * the first two). The method must return a Promise (be `async`); its result must be storable by the cache's codec.
 * @param options `key`, `ttl` (seconds), `tags`, `cache` (name), `staleWhileRevalidate` and `grace` (seconds).
 * @throws CacheArgumentError when an option is out of range, or the target is not an instance method (when the
 * decorator is applied). At call time: `CacheKeyArgumentError` for an argument that cannot be keyed,
 * `CachedMethodError` when the method returns no Promise or `key`/`tags` return no key/tags.
 * @example @Cached({ ttl: 60, key: (id: number) => `recipe:${id}`, tags: (id: number) => [`recipe:${id}`] })
 */
export function Cached(options: CachedOptions = {}): CachedMethodDecorator {
  const metadata = cachedOptions(options);
  const decorate = SetMetadata(CACHED_METADATA, metadata);
  return (target, propertyKey, descriptor) => {
    if (typeof target === 'function') {
      throw new CacheArgumentError('@Cached', 'target', `static ${String(propertyKey)}`, 'an instance method');
    }
    if (typeof descriptor?.value !== 'function') {
      throw new CacheArgumentError('@Cached', 'target', String(propertyKey), 'a method (not a property or accessor)');
    }
    decorate(target, propertyKey, descriptor);
  };
}
