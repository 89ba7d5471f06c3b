import { jest } from '@jest/globals';
import { Module, type INestApplication, type ModuleMetadata, type Provider, type Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import {
  CACHE_LOGGER,
  CacheModule,
  CacheRegistry,
  CacheService,
  PageCache,
  PageCacheInterceptor,
  PageCacheModule,
  type CacheOptions,
  type PageCacheOptions,
} from '@stash/cache';
import type { Response } from 'supertest';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/test-redis.js';

/** Replaces Stash's logger so tests print nothing, and lets a test read what was logged. */
export const silentLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };

export type StoreKind = 'redis' | 'memory';

export interface PageAppOptions {
  readonly store: StoreKind;
  readonly controllers: Type[];
  readonly providers?: Provider[];
  /** Further modules of the app (a session module, say). */
  readonly imports?: ModuleMetadata['imports'];
  /** `PageCacheModule` options; `allowedHosts` defaults to the loopback and example.com hosts. */
  readonly pageCache?: Partial<PageCacheOptions>;
  /** Options of the default cache (over a unique prefix on the test Redis, or the memory store). */
  readonly cache?: CacheOptions;
  /** Extra named caches. */
  readonly caches?: Record<string, CacheOptions>;
  /** Register the interceptor as APP_INTERCEPTOR (default), or leave routes to `@UseInterceptors`. */
  readonly globalInterceptor?: boolean;
  /** Key prefix of the caches; share one between two apps to act as two processes. @default a unique prefix */
  readonly prefix?: string;
  /** Runs before `app.init()`: middleware, `trust proxy`. */
  readonly configure?: (app: NestExpressApplication) => void;
}

/** A Nest app on a real HTTP port, with the default cache and the page cache it fills. */
export interface PageApp {
  readonly app: INestApplication;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly cache: CacheService;
  readonly pageCache: PageCache;
  readonly prefix: string;
  close(): Promise<void>;
}

/** Boots a testing app with `CacheModule` (Redis under a unique prefix, or memory) and `PageCacheModule`. */
export async function pageApp(options: PageAppOptions): Promise<PageApp> {
  const prefix = options.prefix ?? uniquePrefix('page');
  const cacheOptions = (keyPrefix: string, extra?: CacheOptions): CacheOptions =>
    options.store === 'redis' ? { url: testRedisUrl(), keyPrefix, ...extra } : { store: 'memory', keyPrefix, ...extra };
  const caches = Object.fromEntries(
    Object.entries(options.caches ?? {}).map(([name, extra]) => [name, cacheOptions(`${prefix}-${name}`, extra)]),
  );

  @Module({
    imports: [
      CacheModule.forRoot({ ...cacheOptions(prefix, options.cache), caches, isGlobal: true }),
      PageCacheModule.forRoot({
        allowedHosts: ['127.0.0.1', 'localhost', '.example.com'],
        ...options.pageCache,
        isGlobal: true,
      }),
      ...(options.imports ?? []),
    ],
    controllers: options.controllers,
    providers: [
      ...(options.globalInterceptor === false ? [] : [{ provide: APP_INTERCEPTOR, useClass: PageCacheInterceptor }]),
      ...(options.providers ?? []),
    ],
  })
  class PageTestModule {}

  const moduleRef = await Test.createTestingModule({ imports: [PageTestModule] })
    .overrideProvider(CACHE_LOGGER)
    .useValue(silentLogger)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  options.configure?.(app);
  await app.init();
  await app.listen(0, '127.0.0.1');
  const cache = app.get(CacheService);
  const url = await app.getUrl();
  return {
    app,
    url: url.replace('[::1]', '127.0.0.1'),
    cache,
    pageCache: app.get(PageCache),
    prefix,
    async close() {
      const registry = app.get(CacheRegistry);
      await Promise.all(registry.names().map((name) => registry.get(name).clear()));
      await app.close();
    },
  };
}

/** The response was served from the cache (fresh). */
export function expectHit(response: Response): void {
  expect(response.headers['x-cache']).toBe('HIT');
}

/** The handler ran and the page cache tried to store what it sent. */
export function expectMiss(response: Response): void {
  expect(response.headers['x-cache']).toBe('MISS');
}

/** The page cache did not look the request up. */
export function expectBypass(response: Response): void {
  expect(response.headers['x-cache']).toBe('BYPASS');
}

/** The stale page was served while another request refreshes it. */
export function expectStale(response: Response): void {
  expect(response.headers['x-cache']).toBe('STALE');
}

/** Counts handler runs by name. */
export class Runs {
  private readonly counts = new Map<string, number>();

  hit(name: string): number {
    const next = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, next);
    return next;
  }

  of(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  reset(): void {
    this.counts.clear();
  }
}
