import { Inject, Injectable, Module, Scope } from '@nestjs/common';
import { ContextIdFactory, LazyModuleLoader } from '@nestjs/core';
import type { TestingModule } from '@nestjs/testing';
import {
  Cached,
  CacheConfigError,
  CachedMethodError,
  CacheKeyArgumentError,
  CacheModule,
  CacheRegistry,
  CacheService,
} from '@stash/cache';
import { waitFor } from '../../../test/support/redis-server.js';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';
import { TestingModules, silentLogger } from './support/testing-modules.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts the runs of each method, so a test can tell a hit (no run) from a miss. */
class Runs {
  private readonly counts = new Map<string, number>();
  add(method: string): number {
    const count = (this.counts.get(method) ?? 0) + 1;
    this.counts.set(method, count);
    return count;
  }
  of(method: string): number {
    return this.counts.get(method) ?? 0;
  }
}

@Injectable()
class RecipesService {
  readonly runs = new Runs();
  failNext = false;

  @Cached({ ttl: 60 })
  async find(id: unknown, filters?: Record<string, unknown>): Promise<{ id: unknown; run: number }> {
    const run = this.runs.add('find');
    await pause(20);
    return { id, run, ...(filters ? { filters } : {}) };
  }

  @Cached({ ttl: 60, tags: (id: number) => [`recipe:${id}`] })
  async card(id: number): Promise<string> {
    return `card ${id} #${this.runs.add('card')}`;
  }

  @Cached({ ttl: 60 })
  async flaky(): Promise<string> {
    const run = this.runs.add('flaky');
    if (this.failNext) throw new Error('database down');
    return `run ${run}`;
  }

  @Cached({ ttl: 60, cache: 'other', key: (id: number) => `recipe:${id}` })
  async inOther(id: number): Promise<string> {
    return `other ${id} #${this.runs.add('inOther')}`;
  }

  // A caller that bypasses TypeScript's check: the method is not async and returns a plain value.
  @Cached()
  notAsync(): Promise<number> {
    return 42 as unknown as Promise<number>;
  }

  @Cached({ ttl: 0.2, staleWhileRevalidate: 30 })
  async headline(): Promise<string> {
    return `v${this.runs.add('headline')}`;
  }

  @Cached({ ttl: 0.2, grace: 30 })
  async prices(): Promise<string> {
    const run = this.runs.add('prices');
    if (this.failNext) throw new Error('supplier down');
    return `v${run}`;
  }

  async uncached(): Promise<number> {
    return this.runs.add('uncached');
  }
}

@Injectable({ scope: Scope.REQUEST })
class PerRequestService {
  readonly runs = new Runs();

  @Cached({ ttl: 60 })
  async load(): Promise<number> {
    return this.runs.add('load');
  }
}

@Injectable({ scope: Scope.TRANSIENT })
class TransientService {
  readonly runs = new Runs();

  @Cached({ ttl: 60, key: () => 'transient' })
  async load(): Promise<number> {
    return this.runs.add('load');
  }
}

@Injectable()
class TransientConsumer {
  constructor(@Inject(TransientService) readonly transient: TransientService) {}
}

@Injectable()
class LazyService {
  readonly runs = new Runs();

  @Cached({ ttl: 60 })
  async load(): Promise<number> {
    return this.runs.add('load');
  }
}

@Module({ providers: [LazyService] })
class LazyFeatureModule {}

@Injectable()
class MisnamedService {
  @Cached({ cache: 'nope' })
  async load(): Promise<number> {
    return 1;
  }
}

describe('@Cached methods', () => {
  const modules = new TestingModules();
  const booted: TestingModule[] = [];

  async function boot(providers: unknown[] = [RecipesService]): Promise<TestingModule> {
    const app = await modules.boot({
      imports: [
        CacheModule.forRoot({
          url: testRedisUrl(),
          keyPrefix: uniquePrefix('cached'),
          caches: { other: { url: testRedisUrl(), keyPrefix: uniquePrefix('cached-other') } },
        }),
      ],
      providers: providers as never[],
    });
    booted.push(app);
    return app;
  }

  afterEach(async () => {
    const registries = booted.splice(0).map((app) => app.get(CacheRegistry));
    await Promise.all(registries.flatMap((registry) => registry.names().map((name) => registry.get(name).clear())));
    await modules.closeAll();
    silentLogger.warn.mockClear();
  });

  describe('when called again with the same arguments', () => {
    it('returns the stored result without running the method, under <Class>.<method>:<arguments>', async () => {
      const app = await boot();
      const recipes = app.get(RecipesService);
      expect(await recipes.find(1)).toEqual({ id: 1, run: 1 });
      expect(await recipes.find(1)).toEqual({ id: 1, run: 1 });
      expect(recipes.runs.of('find')).toBe(1);
      expect(await app.get(CacheService).get('RecipesService.find:[1]')).toEqual({ id: 1, run: 1 });
    });

    it('treats object arguments with the same fields in another order as the same call', async () => {
      const recipes = (await boot()).get(RecipesService);
      await recipes.find(1, { lang: 'fr', page: 2 });
      await recipes.find(1, { page: 2, lang: 'fr' });
      expect(recipes.runs.of('find')).toBe(1);
    });
  });

  describe('when called with different arguments', () => {
    it('runs the method once per distinct call', async () => {
      const recipes = (await boot()).get(RecipesService);
      await recipes.find(1);
      await recipes.find(2);
      await recipes.find('1');
      await recipes.find(1, { lang: 'fr' });
      await recipes.find(1);
      expect(recipes.runs.of('find')).toBe(4);
    });
  });

  it('runs the method once for 100 concurrent calls', async () => {
    const recipes = (await boot()).get(RecipesService);
    const results = await Promise.all(Array.from({ length: 100 }, () => recipes.find(7)));
    expect(recipes.runs.of('find')).toBe(1);
    expect(new Set(results.map((result) => result.run))).toEqual(new Set([1]));
  });

  it('runs the method again after one of its tags is invalidated, and only for that tag', async () => {
    const app = await boot();
    const recipes = app.get(RecipesService);
    expect(await recipes.card(1)).toBe('card 1 #1');
    expect(await recipes.card(2)).toBe('card 2 #2');
    await app.get(CacheService).invalidateTags(['recipe:1']);
    expect(await recipes.card(1)).toBe('card 1 #3');
    expect(await recipes.card(2)).toBe('card 2 #2');
  });

  it('does not cache a thrown error', async () => {
    const recipes = (await boot()).get(RecipesService);
    recipes.failNext = true;
    await expect(recipes.flaky()).rejects.toThrow('database down');
    recipes.failNext = false;
    expect(await recipes.flaky()).toBe('run 2');
    expect(await recipes.flaky()).toBe('run 2');
  });

  it('rejects an argument that cannot be keyed with CacheKeyArgumentError naming the class, method and index', async () => {
    const recipes = (await boot()).get(RecipesService);
    const call = recipes.find(1, { onLoad: () => undefined });
    await expect(call).rejects.toBeInstanceOf(CacheKeyArgumentError);
    await expect(recipes.find(1, { onLoad: () => undefined })).rejects.toThrow(
      'Cannot build the cache key of RecipesService.find: argument 1.onLoad is a function',
    );
    await expect(recipes.find(new Map())).rejects.toMatchObject({ target: 'RecipesService.find', index: 0 });
    expect(recipes.runs.of('find')).toBe(0);
  });

  it('rejects with CachedMethodError when the method does not return a Promise', async () => {
    const recipes = (await boot()).get(RecipesService);
    await expect(recipes.notAsync()).rejects.toBeInstanceOf(CachedMethodError);
    await expect(recipes.notAsync()).rejects.toThrow(/RecipesService\.notAsync: returned 42, not a Promise/);
  });

  it('serves the stale result within staleWhileRevalidate while one call refreshes it', async () => {
    const recipes = (await boot()).get(RecipesService);
    expect(await recipes.headline()).toBe('v1');
    await pause(250); // past the 0.2 s ttl
    const stale = await Promise.all(Array.from({ length: 20 }, () => recipes.headline()));
    expect(new Set(stale)).toEqual(new Set(['v1']));
    await waitFor(async () => (await recipes.headline()) === 'v2', 3_000, 'no background refresh');
    expect(recipes.runs.of('headline')).toBe(2);
  });

  it('serves the stale result within grace when the method throws', async () => {
    const recipes = (await boot()).get(RecipesService);
    expect(await recipes.prices()).toBe('v1');
    await pause(250); // past the 0.2 s ttl
    recipes.failNext = true;
    expect(await recipes.prices()).toBe('v1');
    recipes.failNext = false;
    expect(await recipes.prices()).toBe('v3');
  });

  it('stores the results in the cache named by the cache option', async () => {
    const app = await boot();
    const recipes = app.get(RecipesService);
    expect(await recipes.inOther(5)).toBe('other 5 #1');
    expect(await recipes.inOther(5)).toBe('other 5 #1');
    expect(await app.get(CacheRegistry).get('other').get('recipe:5')).toBe('other 5 #1');
    expect(await app.get(CacheService).has('recipe:5')).toBe(false);
  });

  it('leaves undecorated methods alone', async () => {
    const recipes = (await boot()).get(RecipesService);
    expect([await recipes.uncached(), await recipes.uncached()]).toEqual([1, 2]);
  });

  it('wraps each instance of a transient provider', async () => {
    const consumer = (await boot([TransientService, TransientConsumer])).get(TransientConsumer);
    await consumer.transient.load();
    await consumer.transient.load();
    expect(consumer.transient.runs.of('load')).toBe(1);
  });

  describe('when the provider has no single instance at bootstrap', () => {
    it('does not wrap a request-scoped provider, and warns naming its method', async () => {
      const app = await boot([PerRequestService]);
      const service = await app.resolve(PerRequestService, ContextIdFactory.create());
      expect([await service.load(), await service.load()]).toEqual([1, 2]);
      expect(silentLogger.warn).toHaveBeenCalledWith(
        expect.stringContaining('@Cached PerRequestService.load: PerRequestService is request-scoped'),
      );
    });

    it('does not wrap a provider of a module loaded lazily after bootstrap', async () => {
      const app = await boot([]);
      const lazy = await app.get(LazyModuleLoader).load(() => LazyFeatureModule);
      const service = lazy.get(LazyService);
      expect([await service.load(), await service.load()]).toEqual([1, 2]);
    });
  });

  it('fails bootstrap with CacheConfigError when a method names a cache that is not configured', async () => {
    const error = await modules.bootFailure({
      imports: [CacheModule.forRoot({ url: testRedisUrl(), keyPrefix: uniquePrefix('cached-misnamed') })],
      providers: [MisnamedService],
    });
    expect(error).toBeInstanceOf(CacheConfigError);
    expect(String(error)).toContain('caches.nope');
  });
});
