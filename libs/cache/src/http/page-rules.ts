import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { StoredHeader } from './page-entry.js';
import { getMaxAge, headerText, parseCacheControl } from './cache-control.js';
import { hasVary, varyNames } from './vary.js';

/** A response as it went to the socket: the final status and headers, and the body when it was sent whole. */
export interface CapturedResponse {
  readonly statusCode: number;
  /** Final headers, by lower-cased name, after every middleware and interceptor had its say. */
  readonly headers: OutgoingHttpHeaders;
  /** Final header names, as set. */
  readonly rawNames: readonly string[];
  /** The whole body, when it was handed over in one `end()`; undefined when it was streamed. */
  readonly body: Buffer | undefined;
  /** The body was written in pieces (`write()`, a piped stream, a StreamableFile). */
  readonly streamed: boolean;
  /** A layer below the page cache re-encoded the body after it was handed over (compression). */
  readonly transformedBelow: boolean;
}

/** The TTL a page is stored for, and whether the response gets `Expires`/`max-age` for it. */
export interface PageTtl {
  /** Seconds; `null` never expires; `0` is not stored. */
  readonly seconds: number | null;
  readonly patchHeaders: boolean;
}

/**
 * Headers of one response or connection, never copied from one response to another: Node writes Date and the
 * connection headers itself, and Age, X-Cache and Server-Timing describe the lookup that answers (Server-Timing of
 * the request that computed the page would be wrong on a hit).
 */
export const PER_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'age',
  'date',
  'x-cache',
  'server-timing',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);

// Never stored and never replayed: per response, or set for one visitor.
const NOT_STORED = new Set(['set-cookie', ...PER_RESPONSE_HEADERS]);

/**
 * Django's order (`UpdateCacheMiddleware.process_response`): the route's TTL, else the response's `max-age`
 * (where `max-age=0` means not stored, and headers are left alone), else the cache's default.
 */
export function resolvePageTtl(
  routeTtl: number | null | undefined,
  cacheControl: string | undefined,
  defaultTtl: number | null,
): PageTtl {
  if (routeTtl !== undefined) return { seconds: routeTtl, patchHeaders: routeTtl !== null };
  const maxAge = getMaxAge(cacheControl);
  if (maxAge === 0) return { seconds: 0, patchHeaders: false };
  const seconds = maxAge ?? defaultTtl;
  return { seconds, patchHeaders: seconds !== null };
}

/**
 * Why a response may not be stored, or undefined when it may. Django's rules (GET, status 200, not streamed,
 * no `private`), made stricter: directives are matched case-insensitively and `no-cache`/`no-store` count too,
 * `Vary: *` and any Set-Cookie are refused, and a request with Authorization needs `Vary: Authorization`.
 */
export function unstorableReason(
  response: CapturedResponse,
  request: { readonly method: string; readonly authorized: boolean },
): string | undefined {
  if (request.method !== 'GET') return `${request.method} responses have no body to store`;
  if (response.statusCode !== 200) return `status ${response.statusCode}`;
  if (response.streamed || response.body === undefined) return 'streamed body';
  if (response.transformedBelow) return 'body re-encoded below the page cache';
  const { headers } = response;
  if (headers['set-cookie'] !== undefined) return 'Set-Cookie';
  const cacheControl = parseCacheControl(headerText(headers['cache-control']));
  for (const directive of ['private', 'no-cache', 'no-store']) {
    if (cacheControl.has(directive)) return `Cache-Control: ${directive}`;
  }
  const vary = headerText(headers['vary']);
  if (varyNames(vary) === '*') return 'Vary: *';
  if (request.authorized && !hasVary(vary, 'authorization')) return 'Authorization without Vary: Authorization';
  return undefined;
}

/**
 * The headers a hit replays: the final ones, minus those never stored and those a middleware running before
 * the page cache had already set to the same value (it sets them again on the hit's request, e.g. a request id).
 */
export function storedHeaders(response: CapturedResponse, setBefore: ReadonlyMap<string, unknown>): StoredHeader[] {
  const stored: StoredHeader[] = [];
  for (const name of response.rawNames) {
    const lower = name.toLowerCase();
    const value = response.headers[lower];
    if (value === undefined || NOT_STORED.has(lower)) continue;
    const text = Array.isArray(value) ? value.map(String) : String(value);
    if (setBefore.has(lower) && sameValue(setBefore.get(lower), text)) continue;
    stored.push([name, text]);
  }
  return stored;
}

/** A strong ETag (RFC 9110 §8.8.3) for these exact bytes. */
export function strongEtag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Whether an ETag header value is a strong validator (not `W/"..."`). */
export function isStrongEtag(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('"');
}

function sameValue(before: unknown, after: string | string[]): boolean {
  const text = (value: unknown) => (Array.isArray(value) ? value.map(String).join('\n') : String(value));
  return text(before) === text(after);
}
