/** How query strings are normalised before they are hashed into a page key. */
export interface QueryRules {
  /** True for a parameter name that is dropped (`utm_source` under `utm_*`). */
  readonly ignored: (name: string) => boolean;
  /** Sort the remaining parameters by name (stable, so repeated names keep their order). */
  readonly sort: boolean;
}

/** The parts of an absolute URL a page key hashes. */
export interface UrlParts {
  readonly protocol: string;
  readonly host: string;
  /** Path and query string, as sent (`/recipes?page=2`). */
  readonly target: string;
}

// Django's host_validation_re: a DNS name or IPv4 address, or a bracketed IPv6 literal, then an optional port.
const VALID_HOST = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:\d+)?$/;
const ABSOLUTE_URL = /^(https?):\/\/([^/?#]+)([^#]*)/i;

/**
 * Compiles `ignoredQueryParams` patterns: a name matches itself; a trailing `*` matches every name that starts
 * with what precedes it (`utm_*`). Names are compared after percent-decoding, case-sensitively.
 */
export function queryRules(ignoredParams: readonly string[], sort: boolean): QueryRules {
  const exact = new Set(ignoredParams.filter((pattern) => !pattern.endsWith('*')));
  const prefixes = ignoredParams.filter((pattern) => pattern.endsWith('*')).map((pattern) => pattern.slice(0, -1));
  const ignored =
    exact.size === 0 && prefixes.length === 0
      ? () => false
      : (name: string) => exact.has(name) || prefixes.some((prefix) => name.startsWith(prefix));
  return { ignored, sort };
}

/** `rules` that also drop every parameter not named in `kept` (a route's `queryParams`). */
export function keepingOnly(rules: QueryRules, kept: readonly string[]): QueryRules {
  const names = new Set(kept);
  return { ...rules, ignored: (name) => !names.has(name) || rules.ignored(name) };
}

/**
 * Drops ignored parameters and empty segments, and sorts the rest when asked; returns the query without `?`.
 * Parameters are kept as sent (their encoding is not rewritten), so distinct values never merge.
 */
export function normalizeQuery(query: string, rules: QueryRules): string {
  if (query === '') return '';
  let params = query.split('&').filter((param) => param.length > 0);
  params = params.filter((param) => !rules.ignored(paramName(param)));
  if (rules.sort) {
    const names = new Map(params.map((param) => [param, paramName(param)]));
    params = params.slice().sort((a, b) => compare(names.get(a)!, names.get(b)!));
  }
  return params.join('&');
}

/**
 * The absolute URL a page is cached under (Django's `build_absolute_uri`): scheme, host (lower-cased, with its
 * port) and the path with the normalised query.
 */
export function absolutePageUrl(parts: UrlParts, rules: QueryRules): string {
  const question = parts.target.indexOf('?');
  const path = question === -1 ? parts.target : parts.target.slice(0, question);
  const query = question === -1 ? '' : normalizeQuery(parts.target.slice(question + 1), rules);
  return `${parts.protocol.toLowerCase()}://${parts.host.toLowerCase()}${path || '/'}${query ? `?${query}` : ''}`;
}

/** Splits `https://host:port/path?query` into its parts; undefined when it is not an absolute http(s) URL. */
export function parseAbsoluteUrl(url: string): UrlParts | undefined {
  const match = ABSOLUTE_URL.exec(url);
  if (!match) return undefined;
  return { protocol: match[1]!, host: match[2]!, target: match[3] || '/' };
}

/**
 * Django's `get_host` and `validate_host`: whether a request's host, as sent (a name and an optional port:
 * `example.com:8000`, `[::1]:3000`), is valid as a whole and its name is one of `allowedHosts`. A pattern is a
 * name (`example.com`), a name with a leading dot for it and its subdomains (`.example.com`), or `*` for any.
 * A trailing dot is ignored. Anything else after the name (a path, a query, userinfo, a port that is not a number)
 * refuses the host: page keys are built from the host as sent, and `localhost:80/a` would make a page's key
 * another URL's.
 */
export function isAllowedHost(host: string | undefined, allowedHosts: readonly string[]): boolean {
  if (!host) return false;
  const name = VALID_HOST.exec(host.toLowerCase())?.[1];
  if (name === undefined) return false;
  const domain = name.endsWith('.') ? name.slice(0, -1) : name;
  return allowedHosts.some((pattern) => pattern === '*' || isSameDomain(domain, pattern.toLowerCase()));
}

function isSameDomain(host: string, pattern: string): boolean {
  if (!pattern) return false;
  if (pattern.startsWith('.')) return host.endsWith(pattern) || host === pattern.slice(1);
  return host === pattern;
}

function paramName(param: string): string {
  const equals = param.indexOf('=');
  const raw = equals === -1 ? param : param.slice(0, equals);
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
