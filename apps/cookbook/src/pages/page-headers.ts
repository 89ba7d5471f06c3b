import type { CacheControlOptions } from '@stash/cache';

/** The Content-Type of every page. */
export const HTML = 'text/html; charset=utf-8';

/**
 * What cached pages tell browsers: keep a copy but ask before each use (`max-age=0`; the ETag makes that a 304
 * from the page cache). Pages change on writes, and a browser serving its own copy for the page TTL would hide the
 * user's own changes (see page-ttl.ts).
 */
export const REVALIDATE: CacheControlOptions = { maxAge: 0, mustRevalidate: true };
