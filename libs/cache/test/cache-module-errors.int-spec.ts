import { Injectable, type DynamicModule } from '@nestjs/common';
import {
  CacheConfigError,
  CacheModule,
  CacheRegistry,
  CacheService,
  InjectCache,
  type CacheModuleOptions,
} from '@stash/cache';
import { testRedisUrl } from '../../../test/support/test-redis.js';
import { TestingModules } from './support/testing-modules.js';

describe('CacheModule bootstrap errors', () => {
  const modules = new TestingModules();

  afterEach(() => modules.closeAll());

  describe('when a cache name is unknown', () => {
    it('CacheRegistry.get throws CacheConfigError listing the configured caches', async () => {
      const moduleRef = await modules.boot({
        imports: [CacheModule.forRoot({ store: 'memory', caches: { sessions: { store: 'memory' } } })],
      });
      const registry = moduleRef.get(CacheRegistry);
      expect(() => registry.get('nope')).toThrow(CacheConfigError);
      expect(() => registry.get('nope')).toThrow(/"caches\.nope".*have: default, sessions/);
    });

    it('fails bootstrap with CacheConfigError when cacheNames names a cache the factory does not return', async () => {
      const error = await modules.bootFailure({
        imports: [
          CacheModule.forRootAsync({
            useFactory: () => ({ url: testRedisUrl(), caches: { sessions: { url: testRedisUrl(), keyPrefix: 's' } } }),
            cacheNames: ['sessions', 'missing'],
          }),
        ],
      });
      expect(error).toBeInstanceOf(CacheConfigError);
      expect(error).toMatchObject({ option: 'cacheNames', value: 'missing' });
      expect((error as Error).message).toMatch(/have: default, sessions/);
    });

    it('fails bootstrap when @InjectCache names a cache forRoot does not configure', async () => {
      @Injectable()
      class WantsMissing {
        constructor(@InjectCache('missing') readonly missing: CacheService) {}
      }
      const error = await modules.bootFailure({
        imports: [CacheModule.forRoot({ store: 'memory' })],
        providers: [WantsMissing],
      });
      expect(String(error)).toMatch(/stash:cache:missing/);
    });
  });

  describe('when an option is invalid', () => {
    it.each<[string, () => DynamicModule, string]>([
      [
        'a negative defaultTtl of a named cache',
        () => CacheModule.forRoot({ url: testRedisUrl(), caches: { sessions: { defaultTtl: -1 } } }),
        'caches.sessions.defaultTtl',
      ],
      ['an unknown option', () => CacheModule.forRoot({ url: testRedisUrl(), ttl: 5 } as CacheModuleOptions), 'ttl'],
      [
        "a named cache nested in the default cache's namespace on the same server",
        () =>
          CacheModule.forRoot({
            url: testRedisUrl(),
            keyPrefix: 'shop',
            caches: { v2: { url: testRedisUrl(), keyPrefix: 'shop:v2' } },
          }),
        'caches.v2.keyPrefix',
      ],
      [
        "ioredis's own keyPrefix, which SCAN would not honour",
        () => CacheModule.forRoot({ url: testRedisUrl(), redis: { keyPrefix: 'x:' } }),
        'redis.keyPrefix',
      ],
      ['a URL with another scheme', () => CacheModule.forRoot({ url: 'http://127.0.0.1:1' }), 'url'],
      [
        'a zero commandTimeout from a factory',
        () => CacheModule.forRootAsync({ useFactory: () => ({ url: testRedisUrl(), commandTimeout: 0 }) }),
        'commandTimeout',
      ],
      [
        'a misspelt breaker option from a factory',
        () =>
          CacheModule.forRootAsync({
            useFactory: async () => ({ url: testRedisUrl(), breaker: { treshold: 3 } }) as CacheModuleOptions,
          }),
        'breaker.treshold',
      ],
    ])('fails bootstrap with CacheConfigError naming the option path: %s', async (_, cacheModule, option) => {
      const error = await modules.bootFailure({ imports: [cacheModule()] });
      expect(error).toBeInstanceOf(CacheConfigError);
      expect((error as CacheConfigError).option).toBe(option);
      expect((error as Error).message).toContain(`"${option}"`);
    });
  });
});
