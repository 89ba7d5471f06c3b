import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { VARY_ON_COOKIE_METADATA, VARY_ON_HEADERS_METADATA } from '../cache.constants.js';
import { varyHeaderNames } from '../http/page-route.js';

/**
 * Adds the names to the response's `Vary` header and so to its cache key (Django's `vary_on_headers`). Naming
 * `Authorization` opts the route in to caching requests that carry one, each under its own key.
 * @throws CacheArgumentError when a name is not an HTTP header name.
 * @example @VaryOnHeaders('Accept-Language')
 */
export const VaryOnHeaders = (...names: string[]): CustomDecorator<string> =>
  SetMetadata(VARY_ON_HEADERS_METADATA, varyHeaderNames(names));

/** Adds `Cookie` to the response's `Vary` header and so to its cache key (Django's `vary_on_cookie`). */
export const VaryOnCookie = (): CustomDecorator<string> => SetMetadata(VARY_ON_COOKIE_METADATA, true);
