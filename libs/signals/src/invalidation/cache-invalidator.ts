import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { EntityDeletePayload, EntitySavePayload } from '../entity/entity-payloads.js';
import { postDeleteCommitted, postSaveCommitted } from '../entity/entity-signals.js';
import type { EntityInvalidation, TagInvalidator } from './entity-invalidation.interface.js';
import { tagsToInvalidate, type ResolvedInvalidation } from './invalidation-options.js';

/** DI tokens of one `forFeature` call. @internal */
export const INVALIDATION_OPTIONS = Symbol('INVALIDATION_OPTIONS');
export const INVALIDATION_CACHE = Symbol('INVALIDATION_CACHE');

/**
 * Connects, for each mapping of one `CacheInvalidationModule.forFeature`, a receiver of `postSaveCommitted` and
 * `postDeleteCommitted` (sender-filtered) that invalidates the mapped tags; disconnects them at shutdown.
 * Invalidation uses `{ retry: true }`: when Redis is down it does not throw, it holds the tags as pending (reads
 * of entries carrying them miss in this process) and retries until Redis has them. A receiver error (a throwing
 * `tags` function) is logged by `sendRobust` and never reaches the write.
 */
@Injectable()
export class CacheInvalidator implements OnModuleInit, OnApplicationShutdown {
  private disconnects: (() => void)[] = [];

  constructor(
    @Inject(INVALIDATION_OPTIONS) private readonly options: ResolvedInvalidation,
    @Inject(INVALIDATION_CACHE) private readonly cache: TagInvalidator,
  ) {}

  onModuleInit(): void {
    for (const mapping of this.options.mappings) {
      const name = `CacheInvalidation(${mapping.entity.name})`;
      const saved = (payload: EntitySavePayload<unknown>) =>
        this.invalidate(mapping, payload.instance, payload.previous);
      const deleted = (payload: EntityDeletePayload<unknown>) => this.invalidate(mapping, payload.instance);
      this.disconnects.push(
        postSaveCommitted.connect(saved, { sender: mapping.entity, name }),
        postDeleteCommitted.connect(deleted, { sender: mapping.entity, name }),
      );
    }
  }

  onApplicationShutdown(): void {
    for (const disconnect of this.disconnects.splice(0)) disconnect();
  }

  private async invalidate(mapping: EntityInvalidation<unknown>, instance: unknown, previous?: unknown): Promise<void> {
    const tags = tagsToInvalidate(mapping, instance, previous);
    if (tags.length) await this.cache.invalidateTags(tags, { retry: true });
  }
}
