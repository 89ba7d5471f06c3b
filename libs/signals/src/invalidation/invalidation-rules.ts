import { Logger } from '@nestjs/common';
import { errorMessage } from '../errors/describe-value.js';
import { SIGNALS_LOG_CONTEXT } from '../signals.constants.js';
import type { EntityInvalidation } from './entity-invalidation.interface.js';
import { tagsToInvalidate } from './invalidation-options.js';
import type { InvalidationTarget, PlannedInvalidation } from './invalidation-plan.js';

/** One mapping of a `CacheInvalidationModule.forFeature`, bound to the cache it invalidates. */
export interface InvalidationRule {
  readonly mapping: EntityInvalidation<unknown>;
  readonly target: InvalidationTarget;
}

const logger = new Logger(SIGNALS_LOG_CONTEXT);

/**
 * The invalidation mappings of every `CacheInvalidationModule` in the process, process-global like the signals
 * (two apps in one process invalidate each other's caches, as their receivers would). The entity signal emitter
 * asks it for a row's tags when the row is written, and queues them on the row's transaction: the tags are known
 * before the COMMIT (an outbox stores them inside the transaction) and one commit becomes one call per cache.
 */
export class InvalidationRules {
  private rules: readonly InvalidationRule[] = [];

  /** Adds rules; returns the function that removes exactly these again. */
  add(rules: readonly InvalidationRule[]): () => void {
    const added = [...rules];
    this.rules = [...this.rules, ...added];
    return () => {
      this.rules = this.rules.filter((rule) => !added.includes(rule));
    };
  }

  /** True when a rule covers `sender`; without a sender, when there is any rule. */
  has(sender?: unknown): boolean {
    return sender === undefined ? this.rules.length > 0 : this.rules.some((rule) => rule.mapping.entity === sender);
  }

  /**
   * The invalidations of one written row: for each rule of its class, the tags of `instance` and of `previous`
   * (the row before an update). A `tags` function that throws or returns something other than strings is logged
   * and its rule skipped: the write itself must not fail because a cache mapping is broken.
   */
  plan(action: 'saved' | 'deleted', sender: unknown, instance: unknown, previous?: unknown): PlannedInvalidation[] {
    const planned: PlannedInvalidation[] = [];
    for (const { mapping, target } of this.rules) {
      if (mapping.entity !== sender) continue;
      try {
        const tags = tagsToInvalidate(mapping, instance, previous);
        if (tags.length) planned.push({ target, tags, source: mapping.entity.name });
      } catch (error) {
        logger.error(
          `CacheInvalidation(${mapping.entity.name}): tags() failed for a ${action} ${mapping.entity.name}: ` +
            `${errorMessage(error)}. Nothing is invalidated in cache "${target.cacheName}" for this write.`,
          error instanceof Error ? error.stack : undefined,
        );
      }
    }
    return planned;
  }
}

/** The process's rules. @internal */
export const invalidationRules = new InvalidationRules();
