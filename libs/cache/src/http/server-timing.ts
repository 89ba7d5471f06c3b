import { headerText, type HeaderAccess } from './cache-control.js';

/** What the page cache did with a request, as `X-Cache` tells it. */
export type CacheVerdict = 'HIT' | 'STALE' | 'MISS' | 'BYPASS';

/**
 * The page cache's Server-Timing metric (W3C Server Timing): `cache;desc="HIT";dur=0.4`, the verdict and how long
 * the lookup took, in milliseconds with one decimal, so that browser dev tools show what the cache did and its cost.
 */
export function cacheTimingMetric(verdict: CacheVerdict, lookupMs: number): string {
  const ms = Number.isFinite(lookupMs) && lookupMs > 0 ? lookupMs : 0;
  return `cache;desc="${verdict}";dur=${ms.toFixed(1)}`;
}

/** A Server-Timing value with `metric` after the metrics already in it (a list header: RFC 9110 §5.3). */
export function appendServerTiming(current: number | string | readonly string[] | undefined, metric: string): string {
  const before = headerText(current)
    ?.replace(/[\s,]+$/, '')
    .trim();
  return before ? `${before}, ${metric}` : metric;
}

/** Appends a metric to a response's Server-Timing header, keeping what other layers put there. */
export function addServerTiming(response: HeaderAccess, metric: string): void {
  response.setHeader('Server-Timing', appendServerTiming(response.getHeader('server-timing'), metric));
}
