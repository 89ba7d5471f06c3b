import type { RawRequest } from './page-raw-http.js';

/** The attacker's host name: it must never appear in a page or a Location served to anyone. */
export const ATTACKER_HOST = 'evil.example';

/**
 * A request header (or request line) the page cache does not key pages by, sent first on a cold page to try to
 * get a page computed from it stored for everyone (cache poisoning). `host` is the cold page's `localhost:<port>`.
 */
export interface PoisoningVector {
  readonly name: string;
  readonly method?: 'GET' | 'HEAD';
  /** The request target instead of the path (absolute-form, an extra query parameter). */
  readonly target?: (path: string, host: string) => string;
  /** The Host header instead of the cold page's host. */
  readonly host?: (host: string) => string;
  readonly headers?: readonly (readonly [string, string])[];
  /** Appended to the visitor's Cookie header (or sent alone). */
  readonly cookie?: string;
}

const header = (name: string, value: string): PoisoningVector => ({
  name: `${name}: ${value}`,
  headers: [[name, value]],
});

export const POISONING_VECTORS: readonly PoisoningVector[] = [
  header('X-Forwarded-Host', ATTACKER_HOST),
  header('X-Forwarded-Host', `${ATTACKER_HOST}:8443`),
  header('X-Forwarded-Proto', 'https'),
  header('X-Forwarded-Scheme', 'https'),
  header('X-Forwarded-Ssl', 'on'),
  header('X-Forwarded-Port', '8443'),
  header('X-Forwarded-For', '203.0.113.9'),
  header('X-Forwarded-Prefix', '/evil'),
  header('Forwarded', `for=203.0.113.9;host=${ATTACKER_HOST};proto=https`),
  header('X-Host', ATTACKER_HOST),
  header('X-Forwarded-Server', ATTACKER_HOST),
  header('X-HTTP-Method-Override', 'POST'),
  header('X-HTTP-Method', 'DELETE'),
  header('X-Method-Override', 'PUT'),
  { name: '_method=POST in the query', target: (path) => `${path}?_method=POST` },
  header('X-Original-URL', '/api/me'),
  header('X-Rewrite-URL', '/login'),
  { name: 'Host in upper case', host: (host) => host.toUpperCase() },
  { name: 'Host with a trailing dot', host: (host) => host.replace(':', '.:') },
  { name: 'Host of the attacker', host: () => ATTACKER_HOST },
  { name: 'Host with userinfo', host: (host) => `${ATTACKER_HOST}@${host}` },
  { name: 'Host with a port that is not a number', host: (host) => `${host}x` },
  { name: 'absolute-form request line, attacker authority', target: (path) => `http://${ATTACKER_HOST}${path}` },
  { name: 'absolute-form request line, https', target: (path, host) => `https://${host}${path}` },
  header('Accept-Encoding', 'gzip, deflate, br'),
  header('Range', 'bytes=0-9'),
  header('If-None-Match', '*'),
  header('If-Modified-Since', 'Fri, 01 Jan 2100 00:00:00 GMT'),
  header('Accept', 'application/json'),
  header('Accept-Language', 'fr'),
  { name: 'HEAD instead of GET', method: 'HEAD' },
  { name: 'an extra, forged session cookie', cookie: 'sessionid=s%3Aforged.AAAA' },
];

/** The request a vector sends for `path` on the cold page `host`, as `cookie`'s owner (if any). */
export function poisonedRequest(vector: PoisoningVector, path: string, host: string, cookie?: string): RawRequest {
  const cookies = [cookie, vector.cookie].filter((part) => part !== undefined).join('; ');
  return {
    method: vector.method ?? 'GET',
    target: vector.target?.(path, host) ?? path,
    headers: [
      ['Host', vector.host?.(host) ?? host],
      ...(cookies ? [['Cookie', cookies] as const] : []),
      ...(vector.headers ?? []),
    ],
  };
}

/** The same page asked for plainly. */
export function cleanRequest(path: string, host: string, cookie?: string): RawRequest {
  return { target: path, headers: [['Host', host], ...(cookie ? [['Cookie', cookie] as const] : [])] };
}
