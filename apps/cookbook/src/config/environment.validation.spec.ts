import { parseAllowedHosts } from './allowed-hosts.js';
import { CookbookConfigError } from './cookbook-config.error.js';
import { parseDatabaseUrl } from './database-url.js';
import { redactUrl, validateEnvironment } from './environment.validation.js';
import { parseRedisAddresses } from './redis-connection.js';

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
        redis: { kind: 'url', url: 'redis://127.0.0.1:6379' },
        database: { kind: 'sqlite', path: 'data/cookbook.sqlite' },
        cacheStore: 'redis',
        cacheNear: false,
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
          CACHE_NEAR: '',
          REDIS_URL: '',
          REDIS_CLUSTER_NODES: '',
          REDIS_SENTINELS: '',
          REDIS_SENTINEL_NAME: '',
          SESSION_SECRET: '',
          ALLOWED_HOSTS: '',
          LOGIN_RATE_LIMIT: '',
          API_WRITE_RATE_LIMIT: '',
          STASH_TEST_HOOKS: '',
          STASH_TEST_LOADER_DELAY_MS: '',
        }),
      ).toMatchObject({
        port: 3000,
        redis: { kind: 'url', url: 'redis://127.0.0.1:6379' },
        cacheStore: 'redis',
        cacheNear: false,
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
        { redis: { kind: 'url', url: 'rediss://user:pw@cache.internal:6380/2' } },
        {},
      ],
      [
        'REDIS_CLUSTER_NODES',
        '10.0.0.1:7000, redis-2.internal:7001,[::1]:7002',
        {
          redis: {
            kind: 'cluster',
            nodes: [
              { host: '10.0.0.1', port: 7000 },
              { host: 'redis-2.internal', port: 7001 },
              { host: '::1', port: 7002 },
            ],
          },
        },
        {},
      ],
      [
        'REDIS_SENTINELS',
        '127.0.0.1:26379,127.0.0.1:26380',
        {
          redis: {
            kind: 'sentinel',
            sentinels: [
              { host: '127.0.0.1', port: 26379 },
              { host: '127.0.0.1', port: 26380 },
            ],
            name: 'mymaster',
          },
        },
        { REDIS_SENTINEL_NAME: 'mymaster' },
      ],
      ['CACHE_NEAR', '1', { cacheNear: true }, {}],
      ['CACHE_NEAR', '0', { cacheNear: false }, {}],
      ['CACHE_NEAR', '0', { cacheNear: false }, { CACHE_STORE: 'memory' }],
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
      ['REDIS_CLUSTER_NODES', 'redis-1'],
      ['REDIS_CLUSTER_NODES', 'redis-1:0'],
      ['REDIS_CLUSTER_NODES', 'redis-1:7000,,redis-2:7000'],
      ['REDIS_CLUSTER_NODES', 'redis-1:7000,redis-1:7000'],
      ['REDIS_CLUSTER_NODES', 'redis://redis-1:7000'],
      ['REDIS_SENTINEL_NAME', 'mymaster'],
      ['CACHE_STORE', 'Redis'],
      ['CACHE_NEAR', 'true'],
      ['CACHE_NEAR', ' 1'],
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
      [
        { REDIS_URL: 'redis://:pw@a:6379', REDIS_CLUSTER_NODES: 'b:7000' },
        /^REDIS_CLUSTER_NODES="b:7000" is not accepted: expected it unset while REDIS_URL is set: only one of /,
      ],
      [
        { REDIS_CLUSTER_NODES: 'b:7000', REDIS_SENTINELS: 'c:26379', REDIS_SENTINEL_NAME: 'm' },
        /^REDIS_SENTINELS="c:26379" is not accepted: expected it unset while REDIS_CLUSTER_NODES is set/,
      ],
      [
        { REDIS_SENTINELS: 'c:26379' },
        /^REDIS_SENTINEL_NAME="" is not accepted: expected the name of the master the sentinels monitor/,
      ],
      [
        { REDIS_SENTINELS: 'c:26379', REDIS_SENTINEL_NAME: 'my master' },
        /^REDIS_SENTINEL_NAME="my master" is not accepted: expected a master name of 1 to 128 printable/,
      ],
      [
        { REDIS_SENTINELS: 'c', REDIS_SENTINEL_NAME: 'm' },
        /^REDIS_SENTINELS="c" is not accepted: expected comma-separated host:port pairs .*\("c" is not host:port\)/,
      ],
      [
        { CACHE_NEAR: '1', CACHE_STORE: 'memory' },
        /^CACHE_NEAR="1" is not accepted: expected it unset or "0" with CACHE_STORE=memory/,
      ],
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

describe('parseRedisAddresses', () => {
  it.each([
    ['127.0.0.1:7000', [{ host: '127.0.0.1', port: 7000 }]],
    [
      ' a.internal:1 ,[fe80::1]:65535',
      [
        { host: 'a.internal', port: 1 },
        { host: 'fe80::1', port: 65535 },
      ],
    ],
    ['a:7000,', { problem: 'an entry is empty' }],
    ['a', { problem: '"a" is not host:port' }],
    ['::1:7000', { problem: '"::1:7000" is not host:port' }],
    ['a:70000', { problem: '"a:70000": the port is not from 1 to 65535' }],
    ['a:1,a:1', { problem: '"a:1" is listed twice' }],
  ])('%j → %j', (value, expected) => {
    expect(parseRedisAddresses(value)).toEqual(expected);
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
