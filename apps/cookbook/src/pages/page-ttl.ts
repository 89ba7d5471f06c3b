import type { Type } from '@nestjs/common';
import { CACHE_PAGE_METADATA, CachePage, type CachePageOptions } from '@stash/cache';

// The options each handler was decorated with, before a TTL was bound: binding again (another app built in the
// same process with another CACHE_TTL) starts from them.
const declared = new WeakMap<object, Readonly<CachePageOptions>>();

/**
 * Gives the `@CachePage` routes of `controllers` that declare no `ttl` the cookbook's page TTL (CACHE_TTL, seconds).
 *
 * Why not leave `ttl` out and let the cache's `defaultTtl` (also CACHE_TTL) apply: the page cache then sends the
 * TTL to browsers too (`max-age`, as Django's `cache_page` does), and a browser keeps showing its copy of
 * `/cookbook/` after the user's own write. These pages tell browsers `max-age=0, must-revalidate` (they revalidate
 * with the ETag and get a 304 from the page cache), and a page cache TTL then has to be given on the route. A
 * decorator's argument is fixed when the class is defined, before the configuration is read, so it is bound here,
 * once, at bootstrap, before the first request. The binding is per class: two apps in one process share the last
 * one bound.
 */
export function bindPageTtl(controllers: readonly Type[], ttl: number): void {
  for (const controller of controllers) {
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
      const handler: unknown = descriptor?.value;
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const options =
        declared.get(handler) ??
        (Reflect.getMetadata(CACHE_PAGE_METADATA, handler) as Readonly<CachePageOptions> | undefined);
      if (!options || (options.ttl !== undefined && !declared.has(handler))) continue;
      declared.set(handler, options);
      CachePage({ ...options, ttl })(prototype, name, descriptor!);
    }
  }
}
