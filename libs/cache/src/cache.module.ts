import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CACHE_LOGGER, DEFAULT_CACHE_NAME } from './cache.constants.js';
import {
  CACHE_ASYNC_OPTIONS_TYPE,
  CACHE_NAMES,
  CACHE_OPTIONS_TYPE,
  ConfigurableCacheModule,
} from './cache.module-definition.js';
import { CacheRegistry } from './cache.registry.js';
import { getCacheToken } from './decorators/inject-cache.decorator.js';
import { CachedMethodsExplorer } from './methods/cached-methods.explorer.js';

/**
 * Configures Stash's caches: `CacheModule.forRoot({ url, keyPrefix, caches: { sessions: {...} } })`. The
 * top-level options make the `default` cache, injected as `CacheService`; each entry of `caches` is injected
 * with `@InjectCache(name)`.
 */
@Module({})
export class CacheModule extends ConfigurableCacheModule {
  static override forRoot(options: typeof CACHE_OPTIONS_TYPE = {}): DynamicModule {
    return withCaches(super.forRoot(options), Object.keys(options.caches ?? {}));
  }

  static override forRootAsync(options: typeof CACHE_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withCaches(super.forRootAsync(options), options.cacheNames ?? []);
  }
}

function withCaches(definition: DynamicModule, names: string[]): DynamicModule {
  const caches: Provider[] = [DEFAULT_CACHE_NAME, ...names].map((name) => ({
    provide: getCacheToken(name),
    useFactory: (registry: CacheRegistry) => registry.get(name),
    inject: [CacheRegistry],
  }));
  return {
    ...definition,
    imports: [...(definition.imports ?? []), DiscoveryModule],
    providers: [
      ...(definition.providers ?? []),
      { provide: CACHE_LOGGER, useValue: new Logger('StashCache') },
      { provide: CACHE_NAMES, useValue: names },
      CacheRegistry,
      CachedMethodsExplorer,
      ...caches,
    ],
    exports: [...(definition.exports ?? []), CacheRegistry, ...caches],
  };
}
