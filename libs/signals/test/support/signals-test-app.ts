import type { DynamicModule, ModuleMetadata, Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CACHE_LOGGER, CacheModule, CacheService, type CacheModuleOptions } from '@stash/cache';
import { CacheInvalidationModule, SignalsModule, type EntityInvalidation } from '@stash/signals';
import { StashInvalidationOutbox, TypeOrmSignalsModule, type TypeOrmSignalsOptions } from '@stash/signals/typeorm';
import { DataSource } from 'typeorm';
import type { TestDatabase } from '../../../../test/support/test-database.js';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/test-redis.js';
import { Food, Ingredient, Recipe, TEST_ENTITIES } from './entities.js';

/** The invalidation mapping of the issue: recipe pages, ingredient lists, food names. */
export const COOKBOOK_MAPPINGS: EntityInvalidation[] = [
  { entity: Recipe, tags: (r: Recipe) => ['recipes', `recipe:${r.id}`] },
  { entity: Ingredient, tags: (i: Ingredient) => ['recipes', `recipe:${i.recipeId}`] },
  { entity: Food, tags: () => ['recipes'] },
];

const quiet = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

export interface SignalsTestAppOptions {
  /** Cache options merged over the defaults (the suite's Redis, a unique prefix). */
  cache?: CacheModuleOptions;
  /** Invalidation mappings; none when omitted. */
  mappings?: EntityInvalidation[];
  providers?: Provider[];
  imports?: ModuleMetadata['imports'];
  /** Options of TypeOrmSignalsModule.forRoot. */
  typeOrmSignals?: TypeOrmSignalsOptions;
  /** Leave out the cache modules (signals and TypeORM only). */
  withoutCache?: boolean;
}

/** A Nest app with TypeORM on the test database, the signals, the TypeORM adapter and (optionally) the cache. */
export interface SignalsTestApp {
  readonly moduleRef: TestingModule;
  readonly dataSource: DataSource;
  readonly cache: CacheService;
  close(): Promise<void>;
}

export function typeOrmRoot(db: TestDatabase): DynamicModule {
  return TypeOrmModule.forRoot({
    ...db.typeorm,
    // The outbox table exists in every test database; only apps with `outbox` on use it.
    entities: [...TEST_ENTITIES, StashInvalidationOutbox],
    synchronize: true,
    retryAttempts: 0,
    logging: false,
  });
}

export async function bootSignalsApp(db: TestDatabase, options: SignalsTestAppOptions = {}): Promise<SignalsTestApp> {
  const cacheImports = options.withoutCache
    ? []
    : [
        CacheModule.forRoot({
          url: testRedisUrl(),
          keyPrefix: uniquePrefix('signals'),
          isGlobal: true,
          ...options.cache,
        }),
        ...(options.mappings ? [CacheInvalidationModule.forFeature(options.mappings)] : []),
      ];
  const moduleRef = await Test.createTestingModule({
    imports: [
      typeOrmRoot(db),
      SignalsModule.forRoot(),
      TypeOrmSignalsModule.forRoot(options.typeOrmSignals),
      ...cacheImports,
      ...(options.imports ?? []),
    ],
    providers: options.providers ?? [],
  })
    .overrideProvider(CACHE_LOGGER)
    .useValue(quiet)
    .compile();
  await moduleRef.init();
  let closing: Promise<void> | undefined;
  return {
    moduleRef,
    dataSource: moduleRef.get(DataSource),
    get cache() {
      return moduleRef.get(CacheService);
    },
    close: () => (closing ??= moduleRef.close()),
  };
}
