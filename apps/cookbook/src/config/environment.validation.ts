import { MIN_SECRET_LENGTH } from '@stash/session';
import { ALLOWED_HOSTS_FORMS, parseAllowedHosts } from './allowed-hosts.js';
import type { CookbookConfig } from './cookbook-config.interface.js';
import { CookbookConfigError } from './cookbook-config.error.js';
import { DATABASE_URL_FORMS, parseDatabaseUrl } from './database-url.js';
import { readRedisConnection } from './redis-connection.js';
import { readTestHooks } from '../test-hooks/test-hooks-environment.js';

/** The values used for variables that are unset (or set to the empty string). */
export const ENVIRONMENT_DEFAULTS = Object.freeze({
  NODE_ENV: 'development',
  PORT: '3000',
  DATABASE_URL: 'sqlite:data/cookbook.sqlite',
  CACHE_STORE: 'redis',
  CACHE_NEAR: '0',
  CACHE_TTL: '900',
  CACHE_KEY_PREFIX: 'cookbook',
  // The machine itself: a forged Host header cannot fill the page cache under names nobody uses.
  ALLOWED_HOSTS: 'localhost,127.0.0.1,[::1]',
  LOGIN_RATE_LIMIT: '5',
  API_WRITE_RATE_LIMIT: '60',
} as const);

const NODE_ENVS = ['development', 'production', 'test'] as const;
const CACHE_STORES = ['redis', 'memory', 'dummy'] as const;
// Ten years: a larger TTL is a typo, and Redis EXPIRE would accept it silently.
const MAX_CACHE_TTL_SECONDS = 10 * 365 * 24 * 3600;
// No `:` (the session prefix `<prefix>-session:` must stay outside the cache's `<prefix>:*`), no glob characters.
const KEY_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_RATE_LIMIT = 1_000_000;

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the cookbook's environment variables. Every problem is collected, so one failed start
 * shows them all.
 * @throws CookbookConfigError naming each bad variable, what it held (passwords and secrets hidden) and what is
 * accepted.
 */
export function validateEnvironment(env: Environment): CookbookConfig {
  const problems: string[] = [];
  const read = (name: keyof typeof ENVIRONMENT_DEFAULTS): string => {
    const value = env[name];
    return value === undefined || value === '' ? ENVIRONMENT_DEFAULTS[name] : value;
  };
  const reject = (name: string, value: string, expected: string): undefined => {
    problems.push(`${name}=${JSON.stringify(value)} is not accepted: expected ${expected}.`);
    return undefined;
  };

  const nodeEnv = oneOf(read('NODE_ENV'), NODE_ENVS) ?? reject('NODE_ENV', read('NODE_ENV'), quoted(NODE_ENVS));
  const port =
    integerIn(read('PORT'), 1, 65_535) ?? reject('PORT', read('PORT'), 'an integer from 1 to 65535 (default 3000)');
  const redis = readRedisConnection(env, reject, redactUrl);
  const parsedDatabase = parseDatabaseUrl(read('DATABASE_URL'));
  const database =
    'problem' in parsedDatabase
      ? reject('DATABASE_URL', redactUrl(read('DATABASE_URL')), `${DATABASE_URL_FORMS} (${parsedDatabase.problem})`)
      : parsedDatabase;
  const cacheStore =
    oneOf(read('CACHE_STORE'), CACHE_STORES) ?? reject('CACHE_STORE', read('CACHE_STORE'), quoted(CACHE_STORES));
  const cacheNear = readCacheNear(read('CACHE_NEAR'), cacheStore, reject);
  const cacheTtl =
    integerIn(read('CACHE_TTL'), 1, MAX_CACHE_TTL_SECONDS) ??
    reject('CACHE_TTL', read('CACHE_TTL'), `a whole number of seconds from 1 to ${MAX_CACHE_TTL_SECONDS}`);
  const cacheKeyPrefix = KEY_PREFIX.test(read('CACHE_KEY_PREFIX'))
    ? read('CACHE_KEY_PREFIX')
    : reject(
        'CACHE_KEY_PREFIX',
        read('CACHE_KEY_PREFIX'),
        'up to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
      );
  const sessionSecret = checkSessionSecret(env.SESSION_SECRET || undefined, nodeEnv, problems);
  const parsedHosts = parseAllowedHosts(read('ALLOWED_HOSTS'));
  const allowedHosts =
    'problem' in parsedHosts
      ? reject('ALLOWED_HOSTS', read('ALLOWED_HOSTS'), `${ALLOWED_HOSTS_FORMS} (${parsedHosts.problem})`)
      : parsedHosts;
  const rateLimit = (name: 'LOGIN_RATE_LIMIT' | 'API_WRITE_RATE_LIMIT'): number | undefined =>
    integerIn(read(name), 1, MAX_RATE_LIMIT) ??
    reject(
      name,
      read(name),
      `a whole number of requests per minute from 1 to ${MAX_RATE_LIMIT} (default ${ENVIRONMENT_DEFAULTS[name]})`,
    );
  const login = rateLimit('LOGIN_RATE_LIMIT');
  const apiWrite = rateLimit('API_WRITE_RATE_LIMIT');
  const testHooks = readTestHooks(env, env.NODE_ENV, problems);

  if (problems.length > 0) throw new CookbookConfigError(problems);
  return Object.freeze({
    nodeEnv: nodeEnv!,
    port: port!,
    redis: redis!,
    database: Object.freeze(database!),
    cacheStore: cacheStore!,
    cacheNear: cacheNear!,
    cacheTtl: cacheTtl!,
    cacheKeyPrefix: cacheKeyPrefix!,
    sessionSecret,
    allowedHosts: Object.freeze([...allowedHosts!]),
    rateLimits: Object.freeze({ login: login!, apiWrite: apiWrite! }),
    testHooks,
  });
}

// The secret itself never appears in a message, only its length.
function checkSessionSecret(secret: string | undefined, nodeEnv: string | undefined, problems: string[]) {
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    problems.push(
      `SESSION_SECRET is too short (${secret.length} characters): use at least ${MIN_SECRET_LENGTH}, ` +
        'e.g. SESSION_SECRET=$(openssl rand -hex 32).',
    );
  } else if (secret === undefined && nodeEnv === 'production') {
    problems.push(
      'SESSION_SECRET is not set: with NODE_ENV=production the cookbook needs a fixed secret of at least ' +
        `${MIN_SECRET_LENGTH} characters to sign session cookies, e.g. SESSION_SECRET=$(openssl rand -hex 32).`,
    );
  }
  return secret;
}

function oneOf<T extends string>(value: string, accepted: readonly T[]): T | undefined {
  return (accepted as readonly string[]).includes(value) ? (value as T) : undefined;
}

function integerIn(value: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(value)) return undefined;
  const number = Number(value);
  return number >= min && number <= max ? number : undefined;
}

// The near cache sits in front of Redis: with the memory or dummy store there is nothing for it to front.
function readCacheNear(
  value: string,
  cacheStore: string | undefined,
  reject: (name: string, value: string, expected: string) => undefined,
): boolean | undefined {
  if (value !== '0' && value !== '1') return reject('CACHE_NEAR', value, '"1" (on) or "0" (off, the default)');
  if (value === '1' && cacheStore !== undefined && cacheStore !== 'redis') {
    return reject('CACHE_NEAR', value, `it unset or "0" with CACHE_STORE=${cacheStore}: the near cache fronts Redis`);
  }
  return value === '1';
}

function quoted(values: readonly string[]): string {
  return `one of ${values.map((value) => `"${value}"`).join(', ')}`;
}

/** The URL with its password replaced by `***`, for messages that end up in logs. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = '***';
    return url.toString();
  } catch {
    // Unparseable, so no reliable way to find a password in it: show only the scheme.
    return value.includes('@') ? `${value.split(':')[0]}:<hidden>` : value;
  }
}
