import type { Type } from '@nestjs/common';
import { CACHE_PAGE_METADATA, CachePage, type CachePageOptions } from '@stash/cache';

/** What the cookbook's configuration decides about its `@CachePage` routes, once, at bootstrap. */
export interface PageBinding {
  /** The page TTL (CACHE_TTL, seconds) of the routes that declare none. */
  readonly ttl: number;
  /** Whether routes that declare `edge: true` are edge-served: only with the near cache on (CACHE_NEAR=1). */
  readonly edge: boolean;
}

// The options each handler was decorated with, before they were bound: binding again (another app built in the
// same process with another configuration) starts from them.
const declared = new WeakMap<object, Readonly<CachePageOptions>>();

/**
 * Gives the `@CachePage` routes of `controllers` that declare no `ttl` the cookbook's page TTL (CACHE_TTL,
 * seconds), and keeps `edge: true` only when the configuration allows it.
 *
 * Why not leave `ttl` out and let the cache's `defaultTtl` (also CACHE_TTL) apply: the page cache then sends the
 * TTL to browsers too (`max-age`, as Django's `cache_page` does), and a browser keeps showing its copy of
 * `/cookbook/` after the user's own write. These pages tell browsers `max-age=0, must-revalidate` (they revalidate
 * with the ETag and get a 304 from the page cache), and a page cache TTL then has to be given on the route.
 *
 * Why `edge` is bound: the edge needs the near cache's channel (a bootstrap error otherwise), and the near cache
 * is on only with CACHE_NEAR=1 and the Redis store. A decorator's argument is fixed when the class is defined,
 * before the configuration is read, so both are bound here, once, at bootstrap, before the first request. The
 * binding is per class: two apps in one process share the last one bound.
 */
export function bindPageOptions(controllers: readonly Type[], binding: PageBinding): void {
  for (const controller of controllers) {
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
      const handler: unknown = descriptor?.value;
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const options =
        declared.get(handler) ??
        (Reflect.getMetadata(CACHE_PAGE_METADATA, handler) as Readonly<CachePageOptions> | undefined);
      if (!options) continue;
      declared.set(handler, options);
      CachePage({
        ...options,
        ttl: options.ttl === undefined ? binding.ttl : options.ttl,
        edge: options.edge === true && binding.edge,
      })(prototype, name, descriptor!);
    }
  }
}
