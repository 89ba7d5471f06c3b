import { parseAllowedHosts } from './allowed-hosts.js';
import { CookbookConfigError } from './cookbook-config.error.js';
import { parseDatabaseUrl } from './database-url.js';
import { redactUrl, validateEnvironment } from './environment.validation.js';

const SECRET = 'x'.repeat(32);

/** The problems `validateEnvironment` reports for `env` (fails the test if it accepts it). */
function problems(env: Record<string, string>): readonly string[] {
  try {
    validateEnvironment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(CookbookConfigError);
    return (error as CookbookConfigError).problems;
  }
  throw new Error('expected a CookbookConfigError, nothing was thrown');
}

describe('validateEnvironment', () => {
  describe('when nothing is set', () => {
    it('applies every default', () => {
      expect(validateEnvironment({})).toEqual({
        nodeEnv: 'development',
        port: 3000,
        redisUrl: 'redis://127.0.0.1:6379',
        database: { kind: 'sqlite', path: 'data/cookbook.sqlite' },
        cacheStore: 'redis',
        cacheTtl: 900,
        cacheKeyPrefix: 'cookbook',
        sessionSecret: undefined,
        allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
        rateLimits: { login: 5, apiWrite: 60 },
        testHooks: undefined,
      });
    });

    it('treats empty strings as unset', () => {
      expect(
        validateEnvironment({
          PORT: '',
          CACHE_STORE: '',
          SESSION_SECRET: '',
          ALLOWED_HOSTS: '',
          LOGIN_RATE_LIMIT: '',
          API_WRITE_RATE_LIMIT: '',
          STASH_TEST_HOOKS: '',
          STASH_TEST_LOADER_DELAY_MS: '',
        }),
      ).toMatchObject({
        port: 3000,
        cacheStore: 'redis',
        sessionSecret: undefined,
        allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
        rateLimits: { login: 5, apiWrite: 60 },
        testHooks: undefined,
      });
    });
  });

  describe('when values are given', () => {
    it.each([
      ['NODE_ENV', 'production', { nodeEnv: 'production' }, { SESSION_SECRET: SECRET }],
      ['PORT', '1', { port: 1 }, {}],
      ['PORT', '65535', { port: 65535 }, {}],
      [
        'REDIS_URL',
        'rediss://user:pw@cache.internal:6380/2',
        { redisUrl: 'rediss://user:pw@cache.internal:6380/2' },
        {},
      ],
      ['CACHE_STORE', 'dummy', { cacheStore: 'dummy' }, {}],
      ['CACHE_TTL', '60', { cacheTtl: 60 }, {}],
      ['CACHE_KEY_PREFIX', 't-e2e.1_a', { cacheKeyPrefix: 't-e2e.1_a' }, {}],
      ['SESSION_SECRET', SECRET, { sessionSecret: SECRET }, {}],
      ['ALLOWED_HOSTS', 'example.com', { allowedHosts: ['example.com'] }, {}],
      ['ALLOWED_HOSTS', 'localhost, .example.com ,*', { allowedHosts: ['localhost', '.example.com', '*'] }, {}],
      ['LOGIN_RATE_LIMIT', '10', { rateLimits: { login: 10, apiWrite: 60 } }, {}],
      ['API_WRITE_RATE_LIMIT', '1000000', { rateLimits: { login: 5, apiWrite: 1_000_000 } }, {}],
      ['STASH_TEST_HOOKS', '0', { testHooks: undefined }, {}],
      ['STASH_TEST_HOOKS', '1', { testHooks: { loaderDelayMs: 0 } }, {}],
      ['STASH_TEST_HOOKS', '1', { testHooks: { loaderDelayMs: 0 } }, { NODE_ENV: 'test' }],
      ['STASH_TEST_LOADER_DELAY_MS', '250', { testHooks: { loaderDelayMs: 250 } }, { STASH_TEST_HOOKS: '1' }],
      ['STASH_TEST_LOADER_DELAY_MS', '60000', { testHooks: { loaderDelayMs: 60_000 } }, { STASH_TEST_HOOKS: '1' }],
    ] as const)('%s=%s is read', (name, value, expected, extra) => {
      expect(validateEnvironment({ ...extra, [name]: value })).toMatchObject(expected);
    });
  });

  describe('when values are bad', () => {
    it.each([
      ['NODE_ENV', 'prod'],
      ['PORT', '0'],
      ['PORT', '3000.5'],
      ['PORT', ' 3000'],
      ['REDIS_URL', 'localhost:6379'],
      ['REDIS_URL', 'redis://host:6379/x'],
      ['DATABASE_URL', 'sqlite:'],
      ['DATABASE_URL', 'file:cookbook.sqlite'],
      ['CACHE_STORE', 'Redis'],
      ['CACHE_TTL', '0'],
      ['CACHE_TTL', '1e3'],
      ['CACHE_TTL', '315360001'],
      ['CACHE_KEY_PREFIX', '-lead'],
      ['CACHE_KEY_PREFIX', 'a*b'],
      ['ALLOWED_HOSTS', 'a,,b'],
      ['ALLOWED_HOSTS', 'a b'],
      ['ALLOWED_HOSTS', ','],
      ['ALLOWED_HOSTS', '  '],
      ['LOGIN_RATE_LIMIT', '0'],
      ['LOGIN_RATE_LIMIT', '-1'],
      ['LOGIN_RATE_LIMIT', '1.5'],
      ['LOGIN_RATE_LIMIT', '5 '],
      ['API_WRITE_RATE_LIMIT', 'many'],
      ['API_WRITE_RATE_LIMIT', '1000001'],
      ['API_WRITE_RATE_LIMIT', '1e3'],
      ['STASH_TEST_HOOKS', 'true'],
      ['STASH_TEST_HOOKS', 'yes'],
      ['STASH_TEST_HOOKS', ' 1'],
      ['STASH_TEST_LOADER_DELAY_MS', '50'],
    ])('%s=%j is refused, naming the variable', (name, value) => {
      const [problem, ...rest] = problems({ [name]: value });
      expect(rest).toEqual([]);
      expect(problem).toMatch(new RegExp(`^${name}=.* is not accepted: expected `));
    });

    it('lists every bad variable, the new ones included, in one error', () => {
      expect(
        problems({ PORT: 'x', ALLOWED_HOSTS: 'a,,b', LOGIN_RATE_LIMIT: '0', API_WRITE_RATE_LIMIT: 'lots' }).map(
          (problem) => problem.split('=')[0],
        ),
      ).toEqual(['PORT', 'ALLOWED_HOSTS', 'LOGIN_RATE_LIMIT', 'API_WRITE_RATE_LIMIT']);
    });

    it.each([['-1'], ['1.5'], ['60001'], ['1e3'], ['soon']])(
      'STASH_TEST_LOADER_DELAY_MS=%j is refused with the test hooks on',
      (value) => {
        expect(problems({ STASH_TEST_HOOKS: '1', STASH_TEST_LOADER_DELAY_MS: value })).toEqual([
          expect.stringMatching(
            /^STASH_TEST_LOADER_DELAY_MS=.* is not accepted: expected a whole number of milliseconds/,
          ),
        ]);
      },
    );

    it('refuses the test hooks with NODE_ENV=production, with a CookbookConfigError naming STASH_TEST_HOOKS', () => {
      expect(problems({ NODE_ENV: 'production', SESSION_SECRET: SECRET, STASH_TEST_HOOKS: '1' })).toEqual([
        expect.stringMatching(/^STASH_TEST_HOOKS="1" is not accepted: expected it unset with NODE_ENV=production/),
      ]);
      expect(
        problems({
          NODE_ENV: 'production',
          SESSION_SECRET: SECRET,
          STASH_TEST_HOOKS: '1',
          STASH_TEST_LOADER_DELAY_MS: '100',
        }),
      ).toEqual([expect.stringMatching(/^STASH_TEST_HOOKS="1" is not accepted/)]);
      expect(problems({ NODE_ENV: 'production', SESSION_SECRET: SECRET, STASH_TEST_LOADER_DELAY_MS: '100' })).toEqual([
        expect.stringMatching(/^STASH_TEST_LOADER_DELAY_MS="100" is not accepted: expected it unset unless/),
      ]);
    });

    it.each([
      [{ SESSION_SECRET: 'short' }, /^SESSION_SECRET is too short \(5 characters\)/],
      [{ NODE_ENV: 'production' }, /^SESSION_SECRET is not set: with NODE_ENV=production/],
    ])('refuses %j', (env, message) => {
      expect(problems(env)).toEqual([expect.stringMatching(message)]);
    });
  });
});

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:data/cookbook.sqlite', { kind: 'sqlite', path: 'data/cookbook.sqlite' }],
    ['sqlite:/tmp/a b.sqlite', { kind: 'sqlite', path: '/tmp/a b.sqlite' }],
    ['postgres://u@h:5432/db', { kind: 'postgres', url: 'postgres://u@h:5432/db', schema: undefined }],
    ['postgresql://u:p@h/db?schema=t_1', { kind: 'postgres', url: 'postgresql://u:p@h/db', schema: 't_1' }],
    [
      'postgres://h/db?sslmode=require&schema=s',
      { kind: 'postgres', url: 'postgres://h/db?sslmode=require', schema: 's' },
    ],
    ['sqlite:', { problem: 'the sqlite: URL has no file path' }],
    ['mysql://h/db', { problem: 'unknown scheme' }],
    ['postgres://', { problem: 'the URL has no host' }],
    ['postgres://h:99999/db', { problem: 'not a valid URL' }],
    ['postgres://h/db?schema=1x', { problem: 'schema "1x" is not a plain identifier (letters, digits, _)' }],
    ['postgres://h/db?schema=a%22b', { problem: 'schema "a"b" is not a plain identifier (letters, digits, _)' }],
  ])('%s', (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });
});

describe('parseAllowedHosts', () => {
  it.each([
    ['example.com', ['example.com']],
    ['localhost, .example.com ,*', ['localhost', '.example.com', '*']],
    ['a,,b', { problem: 'an entry is empty' }],
    [',', { problem: 'an entry is empty' }],
    ['a b', { problem: 'an entry holds whitespace' }],
  ])('%j → %j', (value, expected) => {
    expect(parseAllowedHosts(value)).toEqual(expected);
  });
});

describe('redactUrl', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/cookbook', 'postgres://app:***@db:5432/cookbook'],
    ['redis://:s3cret@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['redis://cache:6379', 'redis://cache:6379'],
    ['postgres://app:s3cret@/cookbook', 'postgres:<hidden>'],
    ['not a url', 'not a url'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});
