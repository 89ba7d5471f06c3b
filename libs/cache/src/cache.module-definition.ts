import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CacheModuleOptions } from './cache-options.interface.js';
import { CACHE_MODULE_OPTIONS } from './cache.constants.js';

/** Options only `CacheModule` itself reads (they are not passed on as cache options). */
export interface CacheModuleExtras {
  /** Register the module globally. @default false */
  isGlobal?: boolean;
  /** `forRootAsync` only: names of the extra caches the factory returns, so they can be injected. */
  cacheNames?: string[];
}

/** DI token of the cache names the module provides for injection (`caches` keys, or `cacheNames`). @internal */
export const CACHE_NAMES = Symbol('CACHE_NAMES');

export const {
  ConfigurableModuleClass: ConfigurableCacheModule,
  OPTIONS_TYPE: CACHE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CACHE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CacheModuleOptions>({ optionsInjectionToken: CACHE_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createCacheOptions')
  .setExtras<CacheModuleExtras>({ isGlobal: false, cacheNames: [] }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
