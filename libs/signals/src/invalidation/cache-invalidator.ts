import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { TagInvalidator } from './entity-invalidation.interface.js';
import type { ResolvedInvalidation } from './invalidation-options.js';
import { invalidationRules } from './invalidation-rules.js';

/** DI tokens of one `forFeature` call. @internal */
export const INVALIDATION_OPTIONS = Symbol('INVALIDATION_OPTIONS');
export const INVALIDATION_CACHE = Symbol('INVALIDATION_CACHE');

/**
 * Registers the mappings of one `CacheInvalidationModule.forFeature` (bound to its cache) with the entity signal
 * emitter's invalidation rules at module init, and removes them at shutdown. The emitter computes a written
 * row's tags when the row is written, queues them on its transaction, and invalidates them after the outermost
 * commit (one `invalidateTags(tags, { retry: true })` per cache and commit); a rollback drops them.
 */
@Injectable()
export class CacheInvalidator implements OnModuleInit, OnApplicationShutdown {
  private remove: (() => void) | undefined;

  constructor(
    @Inject(INVALIDATION_OPTIONS) private readonly options: ResolvedInvalidation,
    @Inject(INVALIDATION_CACHE) private readonly cache: TagInvalidator,
  ) {}

  onModuleInit(): void {
    const target = { cacheName: this.options.cache, cache: this.cache };
    this.remove = invalidationRules.add(this.options.mappings.map((mapping) => ({ mapping, target })));
  }

  onApplicationShutdown(): void {
    this.remove?.();
    this.remove = undefined;
  }
}
