import type { Redis, RedisOptions } from 'ioredis';
import type { SessionModuleOptions } from './session-options.interface.js';
import { SessionConfigError } from './errors/session-config.error.js';

/** Where sessions live: a URL (plus ioredis options), a client the user owns, or a `@stash/cache` connection. */
export type SessionConnectionTarget =
  | { readonly kind: 'url'; readonly url: string; readonly redis?: RedisOptions; readonly db?: number }
  | { readonly kind: 'client'; readonly client: Redis }
  | { readonly kind: 'cache'; readonly cache: string; readonly redis?: RedisOptions; readonly db?: number };

/** `SessionModule` options with every default applied; built once at bootstrap and frozen. */
export interface ResolvedSessionOptions {
  readonly secrets: readonly string[];
  readonly connection: SessionConnectionTarget;
  readonly prefix: string;
  readonly ttl: number;
  readonly rolling: boolean;
  readonly saveEveryRequest: boolean;
  readonly expireAtBrowserClose: boolean;
  readonly cookie: {
    readonly name: string;
    readonly domain: string | undefined;
    readonly path: string;
    readonly secure: boolean | 'auto';
    readonly httpOnly: boolean;
    readonly sameSite: 'lax' | 'strict' | 'none' | false;
  };
}

/** Defaults of every optional `SessionModule` option. */
export const SESSION_DEFAULTS = Object.freeze({
  url: 'redis://127.0.0.1:6379',
  prefix: 'session:',
  ttl: 14 * 24 * 60 * 60,
  rolling: false,
  saveEveryRequest: false,
  expireAtBrowserClose: false,
  cookie: Object.freeze({ name: 'sessionid', path: '/', secure: 'auto', httpOnly: true, sameSite: 'lax' }),
} as const);

/** Shortest accepted secret: 32 characters, the size of an HMAC-SHA256 key written as text. */
export const MIN_SECRET_LENGTH = 32;

const OPTION_NAMES = new Set([
  'secret',
  'url',
  'redis',
  'client',
  'cache',
  'db',
  'prefix',
  'ttl',
  'rolling',
  'saveEveryRequest',
  'expireAtBrowserClose',
  'cookie',
  'isGlobal',
]);
const COOKIE_OPTION_NAMES = new Set(['name', 'domain', 'path', 'secure', 'httpOnly', 'sameSite']);
// RFC 6265 cookie-name is an RFC 7230 token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DOMAIN = /^\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
// Printable, no `;` (it would end the attribute) and no glob characters in prefixes (connect-redis SCANs
// `<prefix>*` unescaped in all()/ids()/clear()).
const PATH = /^\/[\x21-\x3a\x3c-\x7e]*$/;
const PREFIX = /^[\x21-\x29\x2b-\x3e\x40-\x5a\x5e-\x7e]+:$/;

export function resolveSessionOptions(raw: SessionModuleOptions | undefined): ResolvedSessionOptions {
  if (!isObject(raw)) throw new SessionConfigError('(options)', raw, 'an object with at least `secret`');
  assertKnownKeys('', raw, OPTION_NAMES);
  const cookie = raw.cookie ?? {};
  if (!isObject(cookie)) throw new SessionConfigError('cookie', cookie, 'an object');
  assertKnownKeys('cookie.', cookie, COOKIE_OPTION_NAMES);

  const secure = cookie.secure ?? SESSION_DEFAULTS.cookie.secure;
  if (secure !== true && secure !== false && secure !== 'auto') {
    throw new SessionConfigError('cookie.secure', secure, "true, false or 'auto'");
  }
  const sameSite = cookie.sameSite ?? SESSION_DEFAULTS.cookie.sameSite;
  if (sameSite !== 'lax' && sameSite !== 'strict' && sameSite !== 'none' && sameSite !== false) {
    throw new SessionConfigError('cookie.sameSite', sameSite, "'lax', 'strict', 'none' or false");
  }
  if (sameSite === 'none' && secure !== true) {
    throw new SessionConfigError('cookie.secure', secure, "true when cookie.sameSite is 'none' (browsers require it)");
  }
  const domain = cookie.domain;
  if (domain !== undefined && (typeof domain !== 'string' || !DOMAIN.test(domain))) {
    throw new SessionConfigError('cookie.domain', domain, 'a host name such as "example.com" or ".example.com"');
  }

  return Object.freeze({
    secrets: resolveSecrets(raw.secret),
    connection: resolveConnection(raw),
    prefix: matching(
      'prefix',
      raw.prefix ?? SESSION_DEFAULTS.prefix,
      PREFIX,
      'a string ending with ":", without spaces, control or glob characters (*?[]\\)',
    ),
    ttl: positiveInteger('ttl', raw.ttl, SESSION_DEFAULTS.ttl, 'seconds'),
    rolling: bool('rolling', raw.rolling, SESSION_DEFAULTS.rolling),
    saveEveryRequest: bool('saveEveryRequest', raw.saveEveryRequest, SESSION_DEFAULTS.saveEveryRequest),
    expireAtBrowserClose: bool('expireAtBrowserClose', raw.expireAtBrowserClose, SESSION_DEFAULTS.expireAtBrowserClose),
    cookie: Object.freeze({
      name: matching(
        'cookie.name',
        cookie.name ?? SESSION_DEFAULTS.cookie.name,
        TOKEN,
        "a cookie name (letters, digits and !#$%&'*+-.^_`|~)",
      ),
      domain,
      path: matching(
        'cookie.path',
        cookie.path ?? SESSION_DEFAULTS.cookie.path,
        PATH,
        'a path starting with "/", without ";" or spaces',
      ),
      secure,
      httpOnly: bool('cookie.httpOnly', cookie.httpOnly, SESSION_DEFAULTS.cookie.httpOnly),
      sameSite,
    }),
  });
}

function resolveSecrets(secret: unknown): readonly string[] {
  const list = typeof secret === 'string' ? [secret] : secret;
  const expected = `a string of at least ${MIN_SECRET_LENGTH} characters, or a non-empty array of them (the first signs)`;
  if (!Array.isArray(list) || list.length === 0) throw new SessionConfigError('secret', secret, expected);
  list.forEach((entry: unknown, i) => {
    if (typeof entry !== 'string' || entry.length < MIN_SECRET_LENGTH) {
      throw new SessionConfigError(Array.isArray(secret) ? `secret[${i}]` : 'secret', entry, expected);
    }
  });
  return Object.freeze([...(list as string[])]);
}

function resolveConnection(raw: SessionModuleOptions): SessionConnectionTarget {
  const targets = (['url', 'client', 'cache'] as const).filter((key) => raw[key] !== undefined);
  if (targets.length > 1) {
    throw new SessionConfigError(targets[1], raw[targets[1]], `only one of url, client, cache (${targets[0]} is set)`);
  }
  if (raw.redis !== undefined && !isObject(raw.redis)) {
    throw new SessionConfigError('redis', raw.redis, 'an object of ioredis options');
  }
  const db = raw.db;
  if (db !== undefined && (!Number.isSafeInteger(db) || db < 0)) {
    throw new SessionConfigError('db', db, 'an integer >= 0 (a Redis logical database)');
  }
  if (raw.client !== undefined) {
    const client = raw.client as Partial<Redis> | null;
    if (typeof client !== 'object' || client === null || typeof client.defineCommand !== 'function') {
      throw new SessionConfigError('client', client, 'an ioredis Redis client');
    }
    if (typeof (client as { nodes?: unknown }).nodes === 'function') {
      throw new SessionConfigError('client', 'a Cluster', 'a standalone or sentinel Redis client (not a Cluster)');
    }
    for (const option of ['redis', 'db'] as const) {
      if (raw[option] !== undefined) {
        throw new SessionConfigError(
          option,
          raw[option],
          'nothing when `client` is given (configure the client itself)',
        );
      }
    }
    return Object.freeze({ kind: 'client', client: raw.client });
  }
  if (raw.cache !== undefined) {
    if (typeof raw.cache !== 'string' || raw.cache === '') {
      throw new SessionConfigError('cache', raw.cache, "the name of a @stash/cache cache, e.g. 'default'");
    }
    return Object.freeze({ kind: 'cache', cache: raw.cache, redis: raw.redis, db });
  }
  const url = raw.url ?? SESSION_DEFAULTS.url;
  if (typeof url !== 'string' || !/^rediss?:\/\/\S*$/.test(url)) {
    throw new SessionConfigError('url', url, 'a redis:// or rediss:// URL');
  }
  const urlDb = new URL(url).pathname.slice(1);
  if (db !== undefined && urlDb !== '' && Number(urlDb) !== db) {
    throw new SessionConfigError('db', db, `no db option, or the db of the URL (/${urlDb})`);
  }
  return Object.freeze({ kind: 'url', url, redis: raw.redis, db });
}

function matching(option: string, value: unknown, pattern: RegExp, expected: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new SessionConfigError(option, value, expected);
  return value;
}

function positiveInteger(option: string, value: unknown, fallback: number, unit: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new SessionConfigError(option, value, `a whole number of ${unit} > 0`);
  }
  return value;
}

function bool(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new SessionConfigError(option, value, 'a boolean');
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertKnownKeys(path: string, options: object, known: Set<string>): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new SessionConfigError(
        `${path}${key}`,
        (options as Record<string, unknown>)[key],
        `one of ${[...known].join(', ')}`,
      );
    }
  }
}
