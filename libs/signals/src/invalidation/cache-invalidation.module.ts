import { Module, type DynamicModule } from '@nestjs/common';
import { getCacheToken } from '@stash/cache';
import { CacheInvalidator, INVALIDATION_CACHE, INVALIDATION_OPTIONS } from './cache-invalidator.js';
import type { CacheInvalidationOptions, EntityInvalidation } from './entity-invalidation.interface.js';
import { resolveInvalidation } from './invalidation-options.js';

// Makes every forFeature() a distinct module: Nest would otherwise merge two calls whose mappings print alike.
let features = 0;

/**
 * Declarative cache invalidation: maps entities to the cache tags they feed. The tags of each save or delete of a
 * mapped entity are computed when the row is written and invalidated after the outermost commit, one
 * `CacheService.invalidateTags(tags, { retry: true })` per cache and commit, before the committed signals are sent
 * (never for a write that rolls back). Needs `CacheModule` (the named cache must be injectable here, e.g.
 * `isGlobal: true`) and an ORM adapter such as `TypeOrmSignalsModule`, whose `outbox` option makes these
 * invalidations durable.
 */
@Module({})
export class CacheInvalidationModule {
  /**
   * @param mappings one `{ entity, tags }` per entity class.
   * @param options `cache`: the named cache whose tags are invalidated (default `'default'`).
   * @throws SignalsConfigError when a mapping or option is malformed.
   * @example
   * CacheInvalidationModule.forFeature([
   *   { entity: Recipe, tags: (r) => ['recipes', `recipe:${r.id}`] },
   *   { entity: Ingredient, tags: (i) => ['recipes', `recipe:${i.recipeId}`] },
   *   { entity: Food, tags: () => ['recipes'] },
   * ])
   */
  // Inline mappings are typed one by one (`tags` gets the entity of its own `entity`); a prepared list falls
  // back to the second signature.
  static forFeature<T extends readonly unknown[]>(
    mappings: { readonly [K in keyof T]: EntityInvalidation<T[K]> },
    options?: CacheInvalidationOptions,
  ): DynamicModule;
  static forFeature(mappings: readonly EntityInvalidation[], options?: CacheInvalidationOptions): DynamicModule;
  static forFeature(mappings: readonly EntityInvalidation[], options?: CacheInvalidationOptions): DynamicModule {
    const resolved = resolveInvalidation(mappings, options);
    return {
      module: CacheInvalidationModule,
      providers: [
        { provide: INVALIDATION_OPTIONS, useValue: resolved },
        { provide: INVALIDATION_CACHE, useExisting: getCacheToken(resolved.cache) },
        { provide: Symbol(`CacheInvalidationModule#${++features}`), useValue: features },
        CacheInvalidator,
      ],
    };
  }
}
