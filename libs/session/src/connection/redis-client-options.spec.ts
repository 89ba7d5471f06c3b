import type { CacheModuleOptions } from '@stash/cache';
import { Redis } from 'ioredis';
import { SessionConfigError } from '../errors/session-config.error.js';
import { planClient, SESSION_REDIS_DEFAULTS } from './redis-client-options.js';

const client = new Redis({ lazyConnect: true });

describe('planClient', () => {
  afterAll(() => client.disconnect());

  it('bounds latency on the clients it opens', () => {
    expect(SESSION_REDIS_DEFAULTS).toMatchObject({
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1000,
      autoResendUnfulfilledCommands: false,
    });
    const backoff = SESSION_REDIS_DEFAULTS.retryStrategy as (attempt: number) => number;
    expect([1, 3, 10, 100].map(backoff)).toEqual([100, 400, 2000, 2000]);
  });

  it.each<[string, Parameters<typeof planClient>[0], CacheModuleOptions | undefined, unknown]>([
    ['a URL', { kind: 'url', url: 'redis://h:1' }, undefined, { url: 'redis://h:1', options: SESSION_REDIS_DEFAULTS }],
    [
      'a URL, ioredis options and a db',
      { kind: 'url', url: 'redis://h:1', redis: { commandTimeout: 50 }, db: 2 },
      undefined,
      { url: 'redis://h:1', options: { ...SESSION_REDIS_DEFAULTS, commandTimeout: 50, db: 2 } },
    ],
    [
      'a URL naming the same db as the db option',
      { kind: 'url', url: 'redis://h:1/2', db: 2 },
      undefined,
      { url: 'redis://h:1', options: { ...SESSION_REDIS_DEFAULTS, db: 2 } },
    ],
    ['a client', { kind: 'client', client }, undefined, { client }],
    [
      'the default cache',
      { kind: 'cache', cache: 'default', db: 2 },
      { url: 'redis://c:1/0', redis: { password: 'pw' } },
      { url: 'redis://c:1', options: { ...SESSION_REDIS_DEFAULTS, password: 'pw', db: 2 } },
    ],
    [
      'a named cache on sentinels',
      { kind: 'cache', cache: 'shared' },
      { caches: { shared: { sentinels: [{ host: 's', port: 1 }], name: 'main' } } },
      { url: undefined, options: { ...SESSION_REDIS_DEFAULTS, sentinels: [{ host: 's', port: 1 }], name: 'main' } },
    ],
    ['a cache given a client', { kind: 'cache', cache: 'default' }, { client }, { client }],
  ])('%s', (_name, target, cacheOptions, expected) => {
    expect(planClient(target, () => cacheOptions)).toEqual(expected);
  });

  it.each<[string, Parameters<typeof planClient>[0], CacheModuleOptions | undefined, string]>([
    ['no CacheModule', { kind: 'cache', cache: 'default' }, undefined, 'cache'],
    ['an unknown cache', { kind: 'cache', cache: 'nope' }, { caches: { a: {} } }, 'cache'],
    ['a memory cache', { kind: 'cache', cache: 'default' }, { store: 'memory' }, 'cache'],
    ['a cluster cache', { kind: 'cache', cache: 'default' }, { cluster: { nodes: [{ host: 'h', port: 1 }] } }, 'cache'],
    ['a db on a shared client', { kind: 'cache', cache: 'default', db: 1 }, { client }, 'db'],
  ])('refuses %s', (_name, target, cacheOptions, option) => {
    expect(() => planClient(target, () => cacheOptions)).toThrow(SessionConfigError);
    expect(() => planClient(target, () => cacheOptions)).toThrow(`"${option}"`);
  });
});
