import type { CacheModuleOptions } from '@stash/cache';
import { Redis } from 'ioredis';
import { SessionConfigError } from '../errors/session-config.error.js';
import {
  planClient,
  reconnectOnReadOnly,
  SENTINEL_FAILOVER_OPTIONS,
  SESSION_CLUSTER_DEFAULTS,
  SESSION_REDIS_DEFAULTS,
} from './redis-client-options.js';

const client = new Redis({ lazyConnect: true });
const node = { host: 'h', port: 7000 };

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
    expect(SESSION_CLUSTER_DEFAULTS).toMatchObject({ enableOfflineQueue: false, maxRedirections: 6 });
    // At most maxRedirections x retryDelayOnFailover of waiting for a failed-over master: under a second.
    expect(SESSION_CLUSTER_DEFAULTS.maxRedirections! * SESSION_CLUSTER_DEFAULTS.retryDelayOnFailover!).toBeLessThan(
      1000,
    );
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
      {
        url: undefined,
        options: {
          ...SESSION_REDIS_DEFAULTS,
          sentinels: [{ host: 's', port: 1 }],
          name: 'main',
          ...SENTINEL_FAILOVER_OPTIONS,
        },
      },
    ],
    ['a cache given a client', { kind: 'cache', cache: 'default' }, { client }, { client }],
    [
      'sentinels, always to the master',
      { kind: 'sentinel', sentinels: [{ host: 's', port: 1 }], name: 'main', db: 1 },
      undefined,
      {
        url: undefined,
        options: {
          ...SESSION_REDIS_DEFAULTS,
          sentinels: [{ host: 's', port: 1 }],
          name: 'main',
          role: 'master',
          ...SENTINEL_FAILOVER_OPTIONS,
          db: 1,
        },
      },
    ],
    [
      'a cluster, with the latency bounds on the cluster and on every node',
      { kind: 'cluster', nodes: [node], options: { maxRedirections: 3 }, redis: { password: 'pw' } },
      undefined,
      {
        cluster: {
          nodes: [node],
          options: {
            ...SESSION_CLUSTER_DEFAULTS,
            maxRedirections: 3,
            redisOptions: { ...SESSION_REDIS_DEFAULTS, password: 'pw' },
          },
        },
      },
    ],
    [
      'a cluster cache',
      { kind: 'cache', cache: 'default', redis: { username: 'u' } },
      { cluster: { nodes: [node], options: { redisOptions: { password: 'pw' } } }, redis: { connectTimeout: 5 } },
      {
        cluster: {
          nodes: [node],
          options: {
            ...SESSION_CLUSTER_DEFAULTS,
            redisOptions: { ...SESSION_REDIS_DEFAULTS, connectTimeout: 5, username: 'u', password: 'pw' },
          },
        },
      },
    ],
  ])('%s', (_name, target, cacheOptions, expected) => {
    expect(planClient(target, () => cacheOptions)).toEqual(expected);
  });

  it('follows Sentinel failovers at once: +switch-master, and a demoted master', () => {
    expect(SENTINEL_FAILOVER_OPTIONS).toEqual({ failoverDetector: true, reconnectOnError: reconnectOnReadOnly });
    expect(reconnectOnReadOnly(new Error("READONLY You can't write against a read only replica."))).toBe(true);
    expect(reconnectOnReadOnly(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(
      false,
    );
  });

  it.each<[string, Parameters<typeof planClient>[0], CacheModuleOptions | undefined, string]>([
    ['no CacheModule', { kind: 'cache', cache: 'default' }, undefined, 'cache'],
    ['an unknown cache', { kind: 'cache', cache: 'nope' }, { caches: { a: {} } }, 'cache'],
    ['a memory cache', { kind: 'cache', cache: 'default' }, { store: 'memory' }, 'cache'],
    ['a db on a cluster cache', { kind: 'cache', cache: 'default', db: 1 }, { cluster: { nodes: [node] } }, 'db'],
    ['a replica of a sentinel cache', { kind: 'cache', cache: 'default' }, { redis: { role: 'slave' } }, 'cache'],
    ['a db on a shared client', { kind: 'cache', cache: 'default', db: 1 }, { client }, 'db'],
  ])('refuses %s', (_name, target, cacheOptions, option) => {
    expect(() => planClient(target, () => cacheOptions)).toThrow(SessionConfigError);
    expect(() => planClient(target, () => cacheOptions)).toThrow(`"${option}"`);
  });
});
