import type { CacheModuleOptions } from '@stash/cache';
import { Cluster, Redis } from 'ioredis';
import { SessionConfigError } from '../errors/session-config.error.js';
import {
  planClient,
  reconnectOnReadOnly,
  SENTINEL_FAILOVER_OPTIONS,
  SESSION_CLUSTER_DEFAULTS,
  SESSION_REDIS_DEFAULTS,
} from './redis-client-options.js';

const client = new Redis({ lazyConnect: true });
const timedClient = new Redis({ lazyConnect: true, commandTimeout: 250 });
const node = { host: 'h', port: 7000 };
const cluster = new Cluster([node], { lazyConnect: true, redisOptions: { commandTimeout: 300 } });
// The session bounds each command by `ms`; ioredis's own timer on a client Stash opens is ten times as long.
const timeout = (ms: number) => ({ commandTimeout: ms * 10 });

describe('planClient', () => {
  afterAll(() => [client, timedClient, cluster].forEach((each) => each.disconnect()));

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
    [
      'a URL',
      { kind: 'url', url: 'redis://h:1' },
      undefined,
      { url: 'redis://h:1', options: { ...SESSION_REDIS_DEFAULTS, ...timeout(1000) }, commandTimeoutMs: 1000 },
    ],
    [
      'a URL, ioredis options and a db',
      { kind: 'url', url: 'redis://h:1', redis: { commandTimeout: 50 }, db: 2 },
      undefined,
      { url: 'redis://h:1', options: { ...SESSION_REDIS_DEFAULTS, ...timeout(50), db: 2 }, commandTimeoutMs: 50 },
    ],
    [
      'a URL naming the same db as the db option',
      { kind: 'url', url: 'redis://h:1/2', db: 2 },
      undefined,
      { url: 'redis://h:1', options: { ...SESSION_REDIS_DEFAULTS, ...timeout(1000), db: 2 }, commandTimeoutMs: 1000 },
    ],
    ['a client', { kind: 'client', client }, undefined, { client, commandTimeoutMs: 1000 }],
    [
      'a client with its own commandTimeout',
      { kind: 'client', client: timedClient },
      undefined,
      { client: timedClient, commandTimeoutMs: 250 },
    ],
    ['a Cluster client', { kind: 'client', client: cluster }, undefined, { client: cluster, commandTimeoutMs: 300 }],
    [
      'the default cache',
      { kind: 'cache', cache: 'default', db: 2 },
      { url: 'redis://c:1/0', redis: { password: 'pw' } },
      {
        url: 'redis://c:1',
        options: { ...SESSION_REDIS_DEFAULTS, ...timeout(1000), password: 'pw', db: 2 },
        commandTimeoutMs: 1000,
      },
    ],
    [
      'a cache with a commandTimeout, overridden by the sessions',
      { kind: 'cache', cache: 'default', redis: { commandTimeout: 400 } },
      { url: 'redis://c:1', redis: { commandTimeout: 100 } },
      { url: 'redis://c:1', options: { ...SESSION_REDIS_DEFAULTS, ...timeout(400) }, commandTimeoutMs: 400 },
    ],
    [
      'a named cache on sentinels',
      { kind: 'cache', cache: 'shared' },
      { caches: { shared: { sentinels: [{ host: 's', port: 1 }], name: 'main' } } },
      {
        url: undefined,
        options: {
          ...SESSION_REDIS_DEFAULTS,
          ...timeout(1000),
          sentinels: [{ host: 's', port: 1 }],
          name: 'main',
          ...SENTINEL_FAILOVER_OPTIONS,
        },
        commandTimeoutMs: 1000,
      },
    ],
    [
      'a cache given a client',
      { kind: 'cache', cache: 'default' },
      { client: timedClient },
      { client: timedClient, commandTimeoutMs: 250 },
    ],
    [
      'sentinels, always to the master',
      { kind: 'sentinel', sentinels: [{ host: 's', port: 1 }], name: 'main', db: 1 },
      undefined,
      {
        url: undefined,
        options: {
          ...SESSION_REDIS_DEFAULTS,
          ...timeout(1000),
          sentinels: [{ host: 's', port: 1 }],
          name: 'main',
          role: 'master',
          ...SENTINEL_FAILOVER_OPTIONS,
          db: 1,
        },
        commandTimeoutMs: 1000,
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
            redisOptions: { ...SESSION_REDIS_DEFAULTS, ...timeout(1000), password: 'pw' },
          },
        },
        commandTimeoutMs: 1000,
      },
    ],
    [
      "a cluster with a commandTimeout in its nodes' options",
      {
        kind: 'cluster',
        nodes: [node],
        options: { redisOptions: { commandTimeout: 150 } },
        redis: { commandTimeout: 90 },
      },
      undefined,
      {
        cluster: {
          nodes: [node],
          options: { ...SESSION_CLUSTER_DEFAULTS, redisOptions: { ...SESSION_REDIS_DEFAULTS, ...timeout(150) } },
        },
        commandTimeoutMs: 150,
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
            redisOptions: {
              ...SESSION_REDIS_DEFAULTS,
              ...timeout(1000),
              connectTimeout: 5,
              username: 'u',
              password: 'pw',
            },
          },
        },
        commandTimeoutMs: 1000,
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
    [
      'a commandTimeout of 0',
      { kind: 'url', url: 'redis://h:1', redis: { commandTimeout: 0 } },
      undefined,
      'redis.commandTimeout',
    ],
    [
      'no commandTimeout on a cluster',
      { kind: 'cluster', nodes: [node], redis: { commandTimeout: undefined } },
      undefined,
      'redis.commandTimeout',
    ],
  ])('refuses %s', (_name, target, cacheOptions, option) => {
    expect(() => planClient(target, () => cacheOptions)).toThrow(SessionConfigError);
    expect(() => planClient(target, () => cacheOptions)).toThrow(`"${option}"`);
  });
});
