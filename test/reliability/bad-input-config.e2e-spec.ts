import type { DynamicModule } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CacheConfigError, CacheModule, PageCacheModule } from '@stash/cache';
import { SessionConfigError, SessionModule } from '@stash/session';
import { AppModule } from '../../apps/cookbook/src/app.module.js';
import { CookbookConfigError } from '../../apps/cookbook/src/config/cookbook-config.error.js';
import { withEnv } from '../support/cookbook-env.js';
import { testRedisUrl } from '../support/test-redis.js';
import { recordResult } from '../tools/reliability-log.js';

// Scenario 7 (docs/reliability.md), configuration: a bad option stops the bootstrap with a typed error naming the
// option's path, the value (never a secret's) and what is accepted. A few representative cases per boundary; the
// full tables: libs/cache/src/cache-options.spec.ts, libs/cache/src/http/page-cache-options.spec.ts,
// libs/cache/test/cache-module-errors.int-spec.ts, libs/session/src/session-options.spec.ts,
// apps/cookbook/src/config/environment.validation.spec.ts and test/cookbook-config.e2e-spec.ts.

const SECRET = 'a-session-secret-of-at-least-32-characters';
const memory = { store: 'memory' } as const;

type Case = readonly [
  input: string,
  imports: () => DynamicModule[],
  error: abstract new (...args: never[]) => Error,
  message: readonly string[],
];

const CASES: readonly Case[] = [
  [
    'a negative defaultTtl',
    () => [CacheModule.forRoot({ ...memory, defaultTtl: -1 })],
    CacheConfigError,
    ['"defaultTtl"', 'got -1', 'expected seconds >= 0, or null for never'],
  ],
  [
    'a misspelt option',
    () => [CacheModule.forRoot({ ...memory, defaultTTL: 60 } as never)],
    CacheConfigError,
    ['"defaultTTL"'],
  ],
  [
    'an http:// URL for a named cache',
    () => [CacheModule.forRoot({ ...memory, caches: { pages: { url: 'http://localhost:6379' } } })],
    CacheConfigError,
    ['"caches.pages.url"', 'got "http://localhost:6379"', 'expected a redis:// or rediss:// URL'],
  ],
  [
    'a negative breaker threshold from forRootAsync',
    () => [CacheModule.forRootAsync({ useFactory: () => ({ ...memory, breaker: { threshold: -1 } }) })],
    CacheConfigError,
    ['"breaker.threshold"', 'got -1'],
  ],
  [
    'a keyPrefix with a control character',
    () => [CacheModule.forRoot({ ...memory, keyPrefix: 'shop\r\n' })],
    CacheConfigError,
    ['"keyPrefix"', 'got "shop\\r\\n"', 'expected a string without control characters'],
  ],
  [
    'allowedHosts as one string',
    () => [CacheModule.forRoot(memory), PageCacheModule.forRoot({ allowedHosts: 'localhost' as never })],
    CacheConfigError,
    ['"pageCache.allowedHosts"', 'got "localhost"'],
  ],
  [
    "an ignoredQueryParams of '*' (it would merge every page's variants)",
    () => [
      CacheModule.forRoot(memory),
      PageCacheModule.forRoot({ allowedHosts: ['localhost'], ignoredQueryParams: ['*'] }),
    ],
    CacheConfigError,
    ['"pageCache.ignoredQueryParams"', 'got ["*"]'],
  ],
  [
    'a short session secret (never echoed)',
    () => [SessionModule.forRoot({ secret: 'hunter2', url: testRedisUrl() })],
    SessionConfigError,
    ['"secret"', 'a string of 7 characters'],
  ],
  [
    "sameSite 'none' without secure",
    () => [SessionModule.forRoot({ secret: SECRET, url: testRedisUrl(), cookie: { sameSite: 'none', secure: false } })],
    SessionConfigError,
    ['"cookie.secure"', 'got false', "true when cookie.sameSite is 'none'"],
  ],
  [
    'a session ttl given as text',
    () => [SessionModule.forRoot({ secret: SECRET, url: testRedisUrl(), ttl: '3600' as never })],
    SessionConfigError,
    ['"ttl"', 'got "3600"'],
  ],
];

describe('scenario 7: bad configuration stops the bootstrap with a typed error', () => {
  let refused = 0;

  afterAll(() => recordResult('7', 'configuration at bootstrap', { cases: CASES.length + 2, refused }));

  it.each(CASES)('%s', async (_input, imports, error, message) => {
    const thrown = await Test.createTestingModule({ imports: imports() })
      .compile()
      .then(
        async (moduleRef) => {
          await moduleRef.close();
          return undefined;
        },
        (caught: unknown) => caught,
      );
    expect(thrown).toBeInstanceOf(error);
    for (const part of message) expect((thrown as Error).message).toContain(part);
    expect((thrown as Error).message).not.toContain('hunter2');
    refused++;
  });

  it.each([
    ['CACHE_TTL', '1e3', 'CACHE_TTL="1e3" is not accepted: expected a whole number of seconds'],
    ['REDIS_URL', 'redis://:s3cret@localhost:6379/x', 'REDIS_URL="redis://:***@localhost:6379/x" is not accepted'],
  ])('the cookbook refuses %s=%j, naming the variable', async (name, value, message) => {
    const env = {
      NODE_ENV: 'test',
      REDIS_URL: testRedisUrl(),
      DATABASE_URL: 'sqlite:/nonexistent-dir/never-created.sqlite',
      CACHE_STORE: 'memory',
      SESSION_SECRET: SECRET,
      [name]: value,
    };
    const thrown = await withEnv(env, () =>
      Test.createTestingModule({ imports: [AppModule] })
        .compile()
        .then(
          () => undefined,
          (caught: unknown) => caught,
        ),
    );
    expect(thrown).toBeInstanceOf(CookbookConfigError);
    expect((thrown as Error).message).toContain(message);
    expect((thrown as Error).message).not.toContain('s3cret');
    refused++;
  });
});
