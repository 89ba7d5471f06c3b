import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants.js';
import { CacheService } from '@stash/cache';
import { CacheInvalidationModule, postSave, postSaveCommitted, type EntityInvalidation } from '@stash/signals';
import { COOKBOOK_INVALIDATIONS } from '../../apps/cookbook/src/cache/cache-invalidation.js';
import { CookbookCoreModule } from '../../apps/cookbook/src/core.module.js';

/**
 * The two classic ways to get invalidation wrong, for the fuzzer's negative control. Test code only: the
 * libraries have no such mode.
 * - `before-commit`: Django's `post_save` + `cache.delete`: the tags are invalidated inside the transaction, before
 *   the COMMIT. A reader that misses in between loads the old committed row and caches it under a fresh token.
 * - `fire-and-forget`: invalidated after the commit, but not awaited (a queue, a `void promise`): the write answers
 *   before the DEL, and a read in between is served the old entry.
 */
export type NaiveMode = 'before-commit' | 'fire-and-forget';

export const NAIVE_MODES: readonly NaiveMode[] = ['before-commit', 'fire-and-forget'];

/**
 * How long the naive code takes to get to the rest of its work, ms: the transaction's remaining statements after
 * `post_save` (before-commit), the queue's delay (fire-and-forget). It widens the race window, as the cookbook's
 * loader delay widens the reader's.
 */
export const NAIVE_WINDOW_MS = { 'before-commit': 25, 'fire-and-forget': 25 } as const;

const NAIVE_MODE = Symbol('NAIVE_MODE');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

@Injectable()
class NaiveInvalidation implements OnModuleInit, OnApplicationShutdown {
  private disconnect: (() => void) | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly cache: CacheService,
    @Inject(NAIVE_MODE) private readonly mode: NaiveMode,
  ) {}

  onModuleInit(): void {
    this.disconnect =
      this.mode === 'before-commit'
        ? postSave.connect(async ({ sender, instance }) => {
            const tags = tagsOf(sender, instance);
            if (tags.length === 0) return;
            await this.cache.invalidateTags(tags);
            await sleep(NAIVE_WINDOW_MS['before-commit']);
          })
        : postSaveCommitted.connect(({ sender, instance }) => {
            const tags = tagsOf(sender, instance);
            if (tags.length === 0) return;
            const later = sleep(NAIVE_WINDOW_MS['fire-and-forget'])
              .then(() => this.cache.invalidateTags(tags, { retry: true }))
              .finally(() => this.inFlight.delete(later));
            this.inFlight.add(later);
          });
  }

  async onApplicationShutdown(): Promise<void> {
    this.disconnect?.();
    await Promise.allSettled([...this.inFlight]);
  }
}

function tagsOf(sender: unknown, instance: unknown): readonly string[] {
  const mappings: readonly EntityInvalidation[] = COOKBOOK_INVALIDATIONS;
  return mappings.filter((mapping) => mapping.entity === sender).flatMap((mapping) => mapping.tags(instance));
}

/**
 * Replaces the cookbook's `CacheInvalidationModule.forFeature(...)` (and so its after-commit invalidation) with the
 * naive receiver above; the rest of the app is untouched. Used with
 * `Test.createTestingModule({ imports: [AppModule] }).overrideModule(cookbookInvalidationImport())`.
 */
@Module({})
export class NaiveInvalidationModule {
  static forMode(mode: NaiveMode): DynamicModule {
    return {
      module: NaiveInvalidationModule,
      providers: [{ provide: NAIVE_MODE, useValue: mode }, NaiveInvalidation],
    };
  }
}

/** The very `CacheInvalidationModule.forFeature(...)` object `CookbookCoreModule` imports (Nest overrides by identity). */
export function cookbookInvalidationImport(): DynamicModule {
  const imports = (Reflect.getMetadata(MODULE_METADATA.IMPORTS, CookbookCoreModule) ?? []) as unknown[];
  const found = imports.find(
    (item) => (item as Partial<DynamicModule> | undefined)?.module === CacheInvalidationModule,
  );
  if (!found) throw new Error('CookbookCoreModule no longer imports CacheInvalidationModule.forFeature(...)');
  return found as DynamicModule;
}
