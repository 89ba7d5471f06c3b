import { Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import {
  CacheModule,
  CacheRegistry,
  CacheService,
  InjectCache,
  getCacheToken,
  type CacheModuleOptions,
} from '@stash/cache';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';
import { TestingModules } from './support/testing-modules.js';

/** Stands in for an app's configuration service. */
@Injectable()
class StashConfig {
  readonly url = testRedisUrl();
  readonly keyPrefix = uniquePrefix('module');
}

/** An options factory, as `useClass` / `useExisting` expect: it has `createCacheOptions()`. */
@Injectable()
class CacheOptionsFactory {
  calls = 0;
  constructor(@Inject(StashConfig) private readonly config: StashConfig) {}

  createCacheOptions(): CacheModuleOptions {
    this.calls++;
    return {
      url: this.config.url,
      keyPrefix: this.config.keyPrefix,
      caches: { sessions: sessionsOn(this.config.url) },
    };
  }
}

@Module({ providers: [StashConfig, CacheOptionsFactory], exports: [StashConfig, CacheOptionsFactory] })
class ConfigModule {}

/** A provider of the app that injects the default cache by type and a named one by name. */
@Injectable()
class RecipesService {
  constructor(
    readonly cache: CacheService,
    @InjectCache('sessions') readonly sessions: CacheService,
    @InjectCache() readonly explicitDefault: CacheService,
  ) {}
}

@Injectable()
class FeatureService {
  constructor(readonly cache: CacheService) {}
}

/** A feature module that does not import CacheModule. */
@Module({ providers: [FeatureService] })
class FeatureModule {}

function sessionsOn(url: string) {
  return { url, keyPrefix: uniquePrefix('sessions'), defaultTtl: 60 };
}

describe('CacheModule', () => {
  const modules = new TestingModules();
  const boot = (metadata: Parameters<TestingModules['boot']>[0]) => modules.boot(metadata);

  async function expectRoundTrip(cache: CacheService): Promise<void> {
    await cache.set('wired', { ok: cache.name }, 30);
    expect(await cache.get('wired')).toEqual({ ok: cache.name });
    await cache.delete('wired');
  }

  afterEach(() => modules.closeAll());

  describe('forRoot', () => {
    it('injects the default cache as CacheService and named caches with @InjectCache', async () => {
      const url = testRedisUrl();
      const moduleRef = await boot({
        imports: [
          CacheModule.forRoot({
            url,
            keyPrefix: uniquePrefix('default'),
            caches: { sessions: sessionsOn(url), local: { store: 'memory' } },
          }),
        ],
        providers: [RecipesService],
      });
      const recipes = moduleRef.get(RecipesService);
      const registry = moduleRef.get(CacheRegistry);

      expect(recipes.cache).toBeInstanceOf(CacheService);
      expect(recipes.cache.name).toBe('default');
      expect(recipes.explicitDefault).toBe(recipes.cache);
      expect(recipes.sessions.name).toBe('sessions');
      expect(registry.names()).toEqual(['default', 'sessions', 'local']);
      expect(registry.get('sessions')).toBe(recipes.sessions);
      expect(moduleRef.get(getCacheToken('local'))).toBe(registry.get('local'));
      await expectRoundTrip(recipes.cache);
      await expectRoundTrip(recipes.sessions);
      await expectRoundTrip(registry.get('local'));
    });

    it('keeps each cache in its own namespace', async () => {
      const url = testRedisUrl();
      const moduleRef = await boot({
        imports: [
          CacheModule.forRoot({ url, keyPrefix: uniquePrefix('default'), caches: { sessions: sessionsOn(url) } }),
        ],
        providers: [RecipesService],
      });
      const { cache, sessions } = moduleRef.get(RecipesService);
      await cache.set('shared-name', 'from default');
      expect(await sessions.get('shared-name')).toBeUndefined();
      await cache.delete('shared-name');
    });
  });

  describe('forRootAsync', () => {
    it('builds options with useFactory, inject and imports', async () => {
      const moduleRef = await boot({
        imports: [
          CacheModule.forRootAsync({
            imports: [ConfigModule],
            inject: [StashConfig],
            useFactory: async (config: StashConfig) => ({
              url: config.url,
              keyPrefix: config.keyPrefix,
              caches: { sessions: sessionsOn(config.url) },
            }),
            cacheNames: ['sessions'],
          }),
        ],
        providers: [RecipesService],
      });
      const recipes = moduleRef.get(RecipesService);
      expect(recipes.cache.name).toBe('default');
      expect(recipes.sessions.name).toBe('sessions');
      await expectRoundTrip(recipes.cache);
      await expectRoundTrip(recipes.sessions);
    });

    it('builds options with useClass, calling createCacheOptions once', async () => {
      const moduleRef = await boot({
        imports: [
          CacheModule.forRootAsync({
            imports: [ConfigModule],
            useClass: CacheOptionsFactory,
            cacheNames: ['sessions'],
          }),
        ],
        providers: [RecipesService],
      });
      await expectRoundTrip(moduleRef.get(RecipesService).sessions);
      // useClass instantiates its own factory inside CacheModule; the one ConfigModule provides is never asked.
      expect(moduleRef.select(ConfigModule).get(CacheOptionsFactory).calls).toBe(0);
    });

    it('builds options with useExisting, reusing the factory another module provides', async () => {
      const moduleRef = await boot({
        imports: [
          ConfigModule,
          CacheModule.forRootAsync({
            imports: [ConfigModule],
            useExisting: CacheOptionsFactory,
            cacheNames: ['sessions'],
          }),
        ],
        providers: [RecipesService],
      });
      expect(moduleRef.get(CacheOptionsFactory).calls).toBe(1);
      await expectRoundTrip(moduleRef.get(RecipesService).sessions);
    });

    it('reaches a cache the factory returns but cacheNames omits through CacheRegistry only', async () => {
      const url = testRedisUrl();
      const moduleRef = await boot({
        imports: [
          CacheModule.forRootAsync({
            useFactory: () => ({ url, keyPrefix: uniquePrefix('default'), caches: { extra: { store: 'memory' } } }),
          }),
        ],
      });
      const registry = moduleRef.get(CacheRegistry);
      expect(registry.names()).toEqual(['default', 'extra']);
      await expectRoundTrip(registry.get('extra'));
      expect(() => moduleRef.get(getCacheToken('extra'))).toThrow();
    });
  });

  describe('isGlobal', () => {
    it.each<[string, () => DynamicModule]>([
      [
        'forRoot',
        () => CacheModule.forRoot({ url: testRedisUrl(), keyPrefix: uniquePrefix('global'), isGlobal: true }),
      ],
      [
        'forRootAsync',
        () =>
          CacheModule.forRootAsync({
            useFactory: () => ({ url: testRedisUrl(), keyPrefix: uniquePrefix('global') }),
            isGlobal: true,
          }),
      ],
    ])('gives CacheService to a module that does not import CacheModule (%s)', async (_, cacheModule) => {
      const moduleRef = await boot({ imports: [cacheModule(), FeatureModule] });
      const feature = moduleRef.get(FeatureService);
      expect(feature.cache).toBe(moduleRef.get(CacheRegistry).get('default'));
      await expectRoundTrip(feature.cache);
    });

    it('is off by default: such a module cannot resolve CacheService', async () => {
      const error = await modules.bootFailure({ imports: [CacheModule.forRoot({ store: 'memory' }), FeatureModule] });
      expect(String(error)).toMatch(/FeatureService.*CacheService|CacheService.*FeatureService/s);
    });
  });
});
