import { Test } from '@nestjs/testing';
import { AppModule } from '../apps/cookbook/src/app.module.js';
import { CookbookConfigError } from '../apps/cookbook/src/config/cookbook-config.error.js';
import { withEnv, type Env } from './support/cookbook-env.js';
import { testRedisUrl } from './support/test-redis.js';

const boot = () => Test.createTestingModule({ imports: [AppModule] }).compile();

// A valid environment; each case spoils one variable. CACHE_STORE=memory and an unused SQLite path: the
// configuration is validated before anything connects or creates a file, so a failed boot leaves nothing open.
const VALID: Env = {
  NODE_ENV: 'test',
  PORT: '3000',
  REDIS_URL: testRedisUrl(),
  DATABASE_URL: 'sqlite:/nonexistent-dir/never-created.sqlite',
  CACHE_STORE: 'memory',
  CACHE_TTL: '900',
  CACHE_KEY_PREFIX: 'cookbook',
  SESSION_SECRET: 'cookbook-e2e-secret-0123456789-abcdefghijklmnopq',
};

describe('cookbook startup: a bad environment variable stops it with a message naming the variable', () => {
  it.each([
    ['NODE_ENV', 'staging', 'NODE_ENV="staging" is not accepted: expected one of "development", "production", "test".'],
    ['PORT', '0', 'PORT="0" is not accepted: expected an integer from 1 to 65535 (default 3000).'],
    ['PORT', '65536', 'PORT="65536" is not accepted'],
    ['PORT', 'http', 'PORT="http" is not accepted'],
    [
      'REDIS_URL',
      'http://localhost:6379',
      'REDIS_URL="http://localhost:6379" is not accepted: expected a redis:// or rediss:// URL',
    ],
    ['REDIS_URL', 'redis://localhost:6379/cache', 'REDIS_URL="redis://localhost:6379/cache" is not accepted'],
    [
      'DATABASE_URL',
      'mysql://localhost/cookbook',
      'DATABASE_URL="mysql://localhost/cookbook" is not accepted: expected sqlite:<file path> or postgres://',
    ],
    ['DATABASE_URL', 'sqlite:', 'DATABASE_URL="sqlite:" is not accepted'],
    ['DATABASE_URL', 'postgres://db/cookbook?schema=a;drop', 'is not a plain identifier'],
    [
      'DATABASE_URL',
      'postgres://app:s3cret@db/cookbook?schema=my-app',
      'DATABASE_URL="postgres://app:***@db/cookbook?schema=my-app"',
    ],
    ['DATABASE_URL', 'postgres://app:s3cret@/cookbook', 'DATABASE_URL="postgres:<hidden>" is not accepted'],
    [
      'CACHE_STORE',
      'memcached',
      'CACHE_STORE="memcached" is not accepted: expected one of "redis", "memory", "dummy".',
    ],
    ['CACHE_TTL', '-5', 'CACHE_TTL="-5" is not accepted: expected a whole number of seconds'],
    ['CACHE_TTL', '1.5', 'CACHE_TTL="1.5" is not accepted'],
    ['CACHE_KEY_PREFIX', 'cook:book', 'CACHE_KEY_PREFIX="cook:book" is not accepted'],
    ['SESSION_SECRET', 'short', 'SESSION_SECRET is too short (5 characters)'],
    [
      'ALLOWED_HOSTS',
      'localhost,,example.com',
      'ALLOWED_HOSTS="localhost,,example.com" is not accepted: expected comma-separated host names',
    ],
    [
      'LOGIN_RATE_LIMIT',
      '0',
      'LOGIN_RATE_LIMIT="0" is not accepted: expected a whole number of requests per minute from 1 to 1000000',
    ],
    ['API_WRITE_RATE_LIMIT', '1e3', 'API_WRITE_RATE_LIMIT="1e3" is not accepted'],
  ])('%s=%j', async (name, value, message) => {
    await withEnv({ ...VALID, [name]: value }, async () => {
      const failure = boot();
      await expect(failure).rejects.toBeInstanceOf(CookbookConfigError);
      await expect(failure).rejects.toThrow(message);
    });
  });

  it('never shows a password or secret in the message', async () => {
    await withEnv(
      { ...VALID, DATABASE_URL: 'postgres://app:s3cret@/cookbook', SESSION_SECRET: 'hunter2', PORT: 'x' },
      async () => {
        const error = (await boot().catch((caught: unknown) => caught)) as Error;
        expect(error.message).not.toMatch(/s3cret|hunter2/);
      },
    );
  });

  it('lists every bad variable at once', async () => {
    const env = { PORT: '-1', CACHE_STORE: 'x', CACHE_TTL: 'forever', ALLOWED_HOSTS: 'a b', LOGIN_RATE_LIMIT: 'x' };
    await withEnv({ ...VALID, ...env }, async () => {
      const error = (await boot().catch((caught: unknown) => caught)) as CookbookConfigError;
      expect(error.problems.map((problem) => problem.split('=')[0])).toEqual([
        'PORT',
        'CACHE_STORE',
        'CACHE_TTL',
        'ALLOWED_HOSTS',
        'LOGIN_RATE_LIMIT',
      ]);
    });
  });

  it('requires SESSION_SECRET with NODE_ENV=production', async () => {
    await withEnv({ ...VALID, NODE_ENV: 'production', SESSION_SECRET: undefined }, async () => {
      await expect(boot()).rejects.toThrow(/SESSION_SECRET is not set: with NODE_ENV=production/);
    });
  });
});
