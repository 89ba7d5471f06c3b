/** What the header helpers need from a response: Node's `ServerResponse` has both methods. */
export interface HeaderAccess {
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
}

/** Cache-Control directives in header form (`max-age`, `no-cache`...): `true` for a bare directive. */
export type CacheControlDirectives = Readonly<Record<string, true | string | number>>;

/**
 * Options of `@CacheControl`; each becomes the directive of the same name. Durations are in seconds. `false`
 * and `undefined` leave a directive out. `private` and `public` replace each other, as in Django.
 */
export interface CacheControlOptions {
  /** `max-age`, in seconds; when the response already has one, the smaller wins. */
  maxAge?: number;
  /** `s-maxage`, in seconds (shared caches). */
  sMaxAge?: number;
  public?: boolean;
  /** `private`, or `private="Field"` when given a string. */
  private?: boolean | string;
  /** `no-cache`, or `no-cache="Field"` when given a string (several field names accumulate). */
  noCache?: boolean | string;
  noStore?: boolean;
  noTransform?: boolean;
  mustRevalidate?: boolean;
  proxyRevalidate?: boolean;
  mustUnderstand?: boolean;
  immutable?: boolean;
  /** `stale-while-revalidate`, in seconds. */
  staleWhileRevalidate?: number;
  /** `stale-if-error`, in seconds. */
  staleIfError?: number;
}

const DIRECTIVE_NAMES: Readonly<Record<keyof CacheControlOptions, string>> = {
  maxAge: 'max-age',
  sMaxAge: 's-maxage',
  public: 'public',
  private: 'private',
  noCache: 'no-cache',
  noStore: 'no-store',
  noTransform: 'no-transform',
  mustRevalidate: 'must-revalidate',
  proxyRevalidate: 'proxy-revalidate',
  mustUnderstand: 'must-understand',
  immutable: 'immutable',
  staleWhileRevalidate: 'stale-while-revalidate',
  staleIfError: 'stale-if-error',
};

// Django's cc_delim_re: directives and Vary names are split on commas with any surrounding whitespace.
const DELIMITER = /\s*,\s*/;

/** The header's value as one string (Node keeps repeated headers as arrays). */
export function headerText(value: number | string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** Splits a comma-separated header into its trimmed, non-empty items. */
export function headerItems(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .trim()
    .split(DELIMITER)
    .filter((item) => item.length > 0);
}

/** Directive names (lower-cased) and their values; `true` for a bare directive. Later duplicates win. */
export function parseCacheControl(header: string | undefined): Map<string, true | string> {
  const directives = new Map<string, true | string>();
  for (const item of headerItems(header)) {
    const [name, value] = splitDirective(item);
    directives.set(name, value);
  }
  return directives;
}

/** Django's `get_max_age`: the response's `max-age` in seconds, or undefined when absent or malformed. */
export function getMaxAge(header: string | undefined): number | undefined {
  const value = parseCacheControl(header).get('max-age');
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Django's `patch_cache_control`: merges directives into a Cache-Control header and returns the new value. An
 * existing `max-age` and a new one keep the smaller; `private` and `public` replace each other; `no-cache` field
 * names accumulate, and a bare `no-cache` replaces them.
 */
export function patchCacheControl(header: string | undefined, patch: CacheControlDirectives): string {
  const directives = new Map<string, true | string | Set<true | string>>();
  for (const item of headerItems(header)) {
    const [name, value] = splitDirective(item);
    if (name === 'no-cache') noCacheSet(directives).add(value);
    else directives.set(name, value);
  }
  const updates = new Map(Object.entries(patch).map(([name, value]) => [name.replace(/_/g, '-'), value] as const));
  const currentMaxAge = directives.get('max-age');
  const newMaxAge = updates.get('max-age');
  if (typeof currentMaxAge === 'string' && newMaxAge !== undefined && /^\d+$/.test(currentMaxAge)) {
    updates.set('max-age', Math.min(Number(currentMaxAge), Number(newMaxAge)));
  }
  if (directives.has('private') && updates.has('public')) directives.delete('private');
  else if (directives.has('public') && updates.has('private')) directives.delete('public');
  for (const [name, value] of updates) {
    const text = value === true ? true : String(value);
    if (name === 'no-cache') noCacheSet(directives).add(text);
    else directives.set(name, text);
  }
  const parts: string[] = [];
  for (const [name, value] of directives) {
    if (value instanceof Set) {
      const values = value.has(true) ? [true as const] : [...value];
      parts.push(...values.map((v) => directiveText(name, v)));
    } else parts.push(directiveText(name, value));
  }
  return parts.join(', ');
}

/** `@CacheControl` options as directives; `false` and `undefined` are left out. */
export function cacheControlDirectives(options: CacheControlOptions): CacheControlDirectives {
  const directives: Record<string, true | string | number> = {};
  for (const [option, value] of Object.entries(options) as [keyof CacheControlOptions, unknown][]) {
    if (value === undefined || value === false) continue;
    directives[DIRECTIVE_NAMES[option]] = value as true | string | number;
  }
  return directives;
}

/** An HTTP-date (RFC 9110 §5.6.7), as Django's `http_date`. */
export function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

/**
 * Django's `patch_response_headers`: adds `Expires` (when absent) and `max-age` (the smaller one when present)
 * for a lifetime of `ttlSeconds`; negative lifetimes count as 0.
 */
export function patchResponseHeaders(response: HeaderAccess, ttlSeconds: number, now = Date.now()): void {
  const seconds = Math.max(0, Math.floor(ttlSeconds));
  if (response.getHeader('expires') === undefined) response.setHeader('Expires', httpDate(now + seconds * 1000));
  const current = headerText(response.getHeader('cache-control'));
  response.setHeader('Cache-Control', patchCacheControl(current, { 'max-age': seconds }));
}

/** Django's `add_never_cache_headers`: `Expires` now, `max-age=0, no-cache, no-store, must-revalidate, private`. */
export function addNeverCacheHeaders(response: HeaderAccess, now = Date.now()): void {
  patchResponseHeaders(response, -1, now);
  const current = headerText(response.getHeader('cache-control'));
  response.setHeader(
    'Cache-Control',
    patchCacheControl(current, { 'no-cache': true, 'no-store': true, 'must-revalidate': true, private: true }),
  );
}

function splitDirective(item: string): [string, true | string] {
  const equals = item.indexOf('=');
  if (equals === -1) return [item.toLowerCase(), true];
  return [item.slice(0, equals).toLowerCase(), item.slice(equals + 1)];
}

function noCacheSet(directives: Map<string, true | string | Set<true | string>>): Set<true | string> {
  const existing = directives.get('no-cache');
  if (existing instanceof Set) return existing;
  const set = new Set<true | string>();
  directives.set('no-cache', set);
  return set;
}

function directiveText(name: string, value: true | string): string {
  return value === true ? name : `${name}=${value}`;
}
