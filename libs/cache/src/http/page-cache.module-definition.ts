import { ConfigurableModuleBuilder } from '@nestjs/common';
import { PAGE_CACHE_OPTIONS } from '../cache.constants.js';
import type { PageCacheOptions } from './page-cache-options.interface.js';

/** Options only `PageCacheModule` itself reads. */
export interface PageCacheModuleExtras {
  /** Register the module globally, so `@UseInterceptors(PageCacheInterceptor)` works in every module. @default false */
  isGlobal?: boolean;
}

export const {
  ConfigurableModuleClass: ConfigurablePageCacheModule,
  OPTIONS_TYPE: PAGE_CACHE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: PAGE_CACHE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<PageCacheOptions>({ optionsInjectionToken: PAGE_CACHE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createPageCacheOptions')
  .setExtras<PageCacheModuleExtras>({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
