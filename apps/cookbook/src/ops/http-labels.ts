import { UNMATCHED_ROUTE } from './ops.constants.js';

/** The page cache's verdicts, as `X-Cache` states them (the API's cached reads state HIT or MISS the same way). */
export const PAGE_CACHE_OUTCOMES = ['HIT', 'MISS', 'STALE', 'BYPASS'] as const;
export type PageCacheOutcome = (typeof PAGE_CACHE_OUTCOMES)[number];

// Nest mounts middleware applied to every route (`forRoutes('{*path}')`) as an Express route on that pattern, one
// handler per method, which leaves it in `req.route` when no controller route matches afterwards (a 404). A
// controller route on the very same catch-all pattern would be counted as unmatched too; the cookbook has none.
const MIDDLEWARE_PATH = '/{*path}';

/** What `routeLabel` reads of an Express request. */
export interface RoutedRequest {
  readonly baseUrl?: string;
  readonly route?: { readonly path?: unknown };
}

/**
 * The route pattern that answered (`/api/recipes/:id`), never the raw URL, so that the label's values are bounded
 * by the app's routes. Requests no controller route matched (unknown paths, bodies refused by the body parser)
 * share one value.
 */
export function routeLabel(request: RoutedRequest): string {
  const path = request.route?.path;
  if (typeof path !== 'string' || path === MIDDLEWARE_PATH) return UNMATCHED_ROUTE;
  return `${request.baseUrl ?? ''}${path}` || '/';
}

/** The outcome an `X-Cache` header reports, or undefined when the response did not go through a cache. */
export function pageCacheOutcome(header: number | string | string[] | undefined): PageCacheOutcome | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.toString().trim().toUpperCase();
  return PAGE_CACHE_OUTCOMES.find((outcome) => outcome === value);
}
