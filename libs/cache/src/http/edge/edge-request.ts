import type { IncomingHttpHeaders } from 'node:http';
import { absolutePageUrl, isAllowedHost, type QueryRules, type UrlParts } from '../page-url.js';

/** The parts of a request the edge reads: what Node's parser gives, before Express sees it. */
export interface EdgeRequestLine {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  /** The connection is TLS (`req.socket.encrypted`): the page URL is https. */
  readonly encrypted: boolean;
}

// Each of these makes the request one the normal path must answer: a credential or session, a validator or a
// range (304/206/412 are the normal path's), a client asking for revalidation, a body, or a protocol switch.
const STEP_ASIDE_HEADERS = [
  'cookie',
  'authorization',
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range',
  'range',
  'cache-control',
  'pragma',
  'expect',
  'content-length',
  'transfer-encoding',
  'upgrade',
];
// Under Express's `trust proxy` these change req.host and req.protocol, from which the page key is built.
const FORWARDED_HEADERS = ['forwarded', 'x-forwarded-host', 'x-forwarded-proto'];

/**
 * The URL parts a request would be page-cached under, when the edge may answer it; undefined when it must go the
 * normal path: not GET or HEAD, any header of `STEP_ASIDE_HEADERS`, a forwarded host or scheme the app trusts
 * (`trustsProxy`), a Host that is not allowed (checked whole, as the page cache checks it), or a request target
 * that is not a path. The same function decides at fill time, so an entry is only ever keyed from the very values
 * the normal path keyed its page with (`req.host` and `req.protocol` are the raw Host and the socket's scheme).
 */
export function edgeUrlParts(
  request: EdgeRequestLine,
  allowedHosts: readonly string[],
  trustsProxy: () => boolean,
): UrlParts | undefined {
  const { method, url, headers } = request;
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  if (url === undefined || url.charCodeAt(0) !== 47 /* '/' */) return undefined;
  for (let i = 0; i < STEP_ASIDE_HEADERS.length; i++)
    if (headers[STEP_ASIDE_HEADERS[i]!] !== undefined) return undefined;
  for (let i = 0; i < FORWARDED_HEADERS.length; i++) {
    if (headers[FORWARDED_HEADERS[i]!] !== undefined && trustsProxy()) return undefined;
  }
  const { host } = headers;
  if (!isAllowedHost(host, allowedHosts)) return undefined;
  return { protocol: request.encrypted ? 'https' : 'http', host: host!, target: url };
}

/** What the edge files a path's pages under: the absolute page URL without its query. */
export function edgePathKey(parts: UrlParts, rules: QueryRules): string {
  const question = parts.target.indexOf('?');
  return question === -1
    ? absolutePageUrl(parts, rules)
    : absolutePageUrl({ ...parts, target: parts.target.slice(0, question) }, rules);
}

/**
 * The edge key of one variant: the page URL as the page cache normalises it (the route's query rules) and the
 * values of the request headers the page varies on, each after its name so that two lists never collide.
 */
export function edgeVariantKey(
  parts: UrlParts,
  rules: QueryRules,
  varyNames: readonly string[],
  headers: IncomingHttpHeaders,
): string {
  let key = absolutePageUrl(parts, rules);
  for (let i = 0; i < varyNames.length; i++) {
    const name = varyNames[i]!;
    const value = headers[name];
    key += `\n${name}:${value === undefined ? '\u0000' : String(value)}`;
  }
  return key;
}
