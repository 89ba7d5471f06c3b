import { Module, type INestApplication, type ModuleMetadata, type Provider, type Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  CACHE_LOGGER,
  CacheModule,
  PageCacheInterceptor,
  PageCacheModule,
  type CacheOptions,
  type PageCacheOptions,
} from '@stash/cache';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/test-redis.js';
import { silentLogger } from './page-cache-app.js';

/** How one bootstrap of an edge app is set up. */
export interface EdgeBootOptions {
  readonly controllers: Type[];
  readonly providers?: Provider[];
  readonly imports?: ModuleMetadata['imports'];
  readonly pageCache?: Partial<PageCacheOptions>;
  /** Options of the default cache; the near cache is on unless `near: false`. */
  readonly cache?: CacheOptions;
  readonly configure?: (app: INestApplication) => void;
}

/**
 * Builds and initialises an app with the page cache (interceptor global) and a near cache on the test Redis;
 * returns the bootstrap's error, or undefined when it booted. The app is closed either way, so that a failed
 * bootstrap leaves no connection open.
 */
export async function edgeBootError(options: EdgeBootOptions): Promise<unknown> {
  @Module({
    imports: [
      CacheModule.forRoot({
        url: testRedisUrl(),
        keyPrefix: uniquePrefix('edge-boot'),
        near: true,
        ...options.cache,
        isGlobal: true,
      }),
      PageCacheModule.forRoot({ allowedHosts: ['127.0.0.1'], ...options.pageCache }),
      ...(options.imports ?? []),
    ],
    controllers: options.controllers,
    providers: [{ provide: APP_INTERCEPTOR, useClass: PageCacheInterceptor }, ...(options.providers ?? [])],
  })
  class EdgeBootModule {}

  let app: INestApplication | undefined;
  try {
    const moduleRef = await Test.createTestingModule({ imports: [EdgeBootModule] })
      .overrideProvider(CACHE_LOGGER)
      .useValue(silentLogger)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    options.configure?.(app);
    await app.init();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app?.close();
  }
}
