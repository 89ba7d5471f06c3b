import type { SessionModuleOptions } from './session-options.interface.js';
import { SessionConfigError } from './errors/session-config.error.js';
import { resolveConnection, type SessionConnectionTarget } from './connection/session-connection-target.js';

export type { SessionConnectionTarget } from './connection/session-connection-target.js';

/** `SessionModule` options with every default applied; built once at bootstrap and frozen. */
export interface ResolvedSessionOptions {
  readonly secrets: readonly string[];
  readonly connection: SessionConnectionTarget;
  readonly prefix: string;
  readonly ttl: number;
  readonly rolling: boolean;
  readonly saveEveryRequest: boolean;
  readonly expireAtBrowserClose: boolean;
  readonly durableDestroy: { readonly replicas: number; readonly timeoutMs: number } | undefined;
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
  'cluster',
  'sentinels',
  'name',
  'role',
  'db',
  'prefix',
  'ttl',
  'rolling',
  'saveEveryRequest',
  'expireAtBrowserClose',
  'durableDestroy',
  'cookie',
  'isGlobal',
]);
const DURABLE_DESTROY_OPTION_NAMES = new Set(['replicas', 'timeoutMs']);
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
    connection: resolveConnection(raw, SESSION_DEFAULTS.url),
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
    durableDestroy: resolveDurableDestroy(raw.durableDestroy),
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

function resolveDurableDestroy(value: unknown): ResolvedSessionOptions['durableDestroy'] {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new SessionConfigError('durableDestroy', value, 'an object { replicas, timeoutMs }');
  assertKnownKeys('durableDestroy.', value, DURABLE_DESTROY_OPTION_NAMES);
  const replicas = value.replicas;
  if (typeof replicas !== 'number' || !Number.isSafeInteger(replicas) || replicas <= 0) {
    throw new SessionConfigError('durableDestroy.replicas', replicas, 'a whole number of replicas > 0');
  }
  // WAIT with a timeout of 0 blocks until enough replicas answer, for ever.
  const timeoutMs = value.timeoutMs;
  if (typeof timeoutMs !== 'number' || !Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new SessionConfigError('durableDestroy.timeoutMs', timeoutMs, 'a whole number of milliseconds > 0');
  }
  return Object.freeze({ replicas, timeoutMs });
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
