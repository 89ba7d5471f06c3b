import type { Request, Response } from 'express';
import type { PageEntry } from './page-entry.js';
import type { PageRoute } from './page-route.js';
import { addNeverCacheHeaders, headerText, patchCacheControl, type HeaderAccess } from './cache-control.js';
import { addServerTiming } from './server-timing.js';
import { patchVary } from './vary.js';

/** Response header telling whether the page came from the cache: HIT, STALE, MISS or BYPASS. */
export const CACHE_STATUS_HEADER = 'X-Cache';

/** How a hit was served: fresh, or stale while another request refreshes it. */
export type ReplayStatus = 'HIT' | 'STALE';

/**
 * Writes a stored page: its status and headers, `Age`, `X-Cache` and this lookup's `Server-Timing` metric
 * (`timing`), then its bytes as stored (no re-serialisation). A conditional request whose validators match gets 304 without a body, HEAD gets the
 * headers only. Unless the route sends the response itself (`finish`), Nest calls Express's `res.send()` after
 * the interceptor: for 304 and HEAD that call answers exactly as it does for any Express response, and after a
 * body was sent here it finds the response ended and does nothing.
 */
export function replayPage(
  request: Request,
  response: Response,
  entry: PageEntry,
  status: ReplayStatus,
  finish: boolean,
  timing: string,
): void {
  const { headers } = entry;
  for (let i = 0; i < headers.length; i++) response.setHeader(headers[i]![0], headers[i]![1]);
  response.setHeader('Age', String(Math.max(0, Math.floor((Date.now() - entry.storedAt) / 1000))));
  response.setHeader(CACHE_STATUS_HEADER, status);
  addServerTiming(response, timing);
  response.statusCode = entry.status;
  const notModified = request.fresh;
  if (!finish && (notModified || request.method === 'HEAD')) return;
  if (notModified) {
    response.statusCode = 304;
    for (const name of ['Content-Type', 'Content-Length', 'Transfer-Encoding']) response.removeHeader(name);
    response.end();
  } else if (request.method === 'HEAD') {
    response.end();
  } else {
    response.end(entry.body);
  }
}

/** Applies `@VaryOnHeaders`/`@VaryOnCookie`, `@CacheControl` and `@NeverCache` to a response's headers. */
export function applyRouteHeaders(
  response: HeaderAccess,
  route: Pick<PageRoute, 'varyHeaders' | 'cacheControl' | 'neverCache'>,
  now = Date.now(),
): void {
  if (route.varyHeaders.length > 0) {
    response.setHeader('Vary', patchVary(headerText(response.getHeader('vary')), route.varyHeaders));
  }
  if (route.cacheControl) {
    const current = headerText(response.getHeader('cache-control'));
    response.setHeader('Cache-Control', patchCacheControl(current, route.cacheControl));
  }
  if (route.neverCache) addNeverCacheHeaders(response, now);
}
