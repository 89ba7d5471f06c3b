import http from 'node:http';
import { Redis } from 'ioredis';
import type { Provider, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { CacheOptions, PageCacheOptions } from '@stash/cache';
import { waitFor } from '../../../../test/support/redis-server.js';
import { pageApp, type PageApp } from './page-cache-app.js';

/** Heartbeat of the near cache channel in these tests (ms): the edge's staleness bound is twice that. */
export const EDGE_TEST_HEARTBEAT_MS = 100;

/** A page app with the near cache on a given Redis, and a count of the requests that entered Express. */
export interface EdgeApp extends PageApp {
  /** Requests Express saw (a middleware in front of every route counts them). */
  readonly expressRequests: () => number;
}

export interface EdgeAppOptions {
  readonly redisUrl: string;
  readonly controllers: Type[];
  readonly providers?: Provider[];
  readonly pageCache?: Partial<PageCacheOptions>;
  /** Options of the default cache; the near cache is on unless `near: false`. */
  readonly cache?: CacheOptions;
  /** Share one between two apps to act as two processes. */
  readonly prefix?: string;
  /** The near cache's heartbeat; `EDGE_TEST_HEARTBEAT_MS` unless given. */
  readonly heartbeatMs?: number;
  readonly configure?: (app: NestExpressApplication) => void;
}

/** Boots a page app whose default cache has a near cache (fast heartbeat) on `redisUrl`. */
export async function edgeApp(options: EdgeAppOptions): Promise<EdgeApp> {
  let entered = 0;
  const app = await pageApp({
    store: 'redis',
    controllers: options.controllers,
    providers: options.providers,
    pageCache: options.pageCache,
    prefix: options.prefix,
    cache: {
      url: options.redisUrl,
      near: { heartbeatMs: options.heartbeatMs ?? EDGE_TEST_HEARTBEAT_MS },
      ...options.cache,
    },
    configure: (nest) => {
      nest.use((_req: unknown, _res: unknown, next: () => void) => {
        entered++;
        next();
      });
      options.configure?.(nest);
    },
  });
  // A process serves from process memory only once its channel is live (its first heartbeat came back).
  await waitFor(() => app.cache.coherenceChannel().live, 5_000, 'the near cache channel went live');
  return { ...app, expressRequests: () => entered };
}

/** What a raw HTTP request got back: status, headers by lower-cased name, and the body bytes. */
export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request on a fresh connection, with exactly the headers given (no Host unless given: then 127.0.0.1). */
export function rawRequest(
  base: string,
  path: string,
  { method = 'GET', headers = {} }: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: hostname, port, path, method, headers: { host: '127.0.0.1', ...headers }, agent: false, timeout: 5_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The headers of a response that are the same on every hit of a page (not Date, Age, Server-Timing). */
export function stableHeaders(headers: http.IncomingHttpHeaders): Record<string, unknown> {
  const { date: _date, age: _age, 'server-timing': _timing, ...rest } = headers;
  return rest;
}

/** Calls per command a Redis server has answered since it started, from INFO commandstats. */
export async function commandCalls(redisUrl: string): Promise<Map<string, number>> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const info = await client.info('commandstats');
    const calls = new Map<string, number>();
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
    return calls;
  } finally {
    client.disconnect();
  }
}

/**
 * Commands a server answered between two `commandCalls` readings, leaving out the coherence channel's own
 * traffic (PUBLISH heartbeats, SUBSCRIBE) and the readings' connections (INFO, CLIENT, HELLO).
 */
export function dataCommandsBetween(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const channel = /^(publish|subscribe|info|client\|.*|hello|ping|select)$/;
  const diff: Record<string, number> = {};
  for (const [command, calls] of after) {
    const delta = calls - (before.get(command) ?? 0);
    if (delta > 0 && !channel.test(command)) diff[command] = delta;
  }
  return diff;
}

/** Polls until the condition holds; returns how long it took in ms. */
export async function timeUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const started = performance.now();
  await waitFor(condition, timeoutMs, what);
  return performance.now() - started;
}
