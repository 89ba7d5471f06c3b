import { Logger } from '@nestjs/common';
import { errorMessage } from '../errors/describe-value.js';
import { applyInvalidations } from '../invalidation/apply-invalidation.js';
import {
  groupInvalidations,
  isPlannedInvalidation,
  type ApplyInvalidations,
  type PlannedInvalidation,
} from '../invalidation/invalidation-plan.js';
import { invalidationRules } from '../invalidation/invalidation-rules.js';
import { SIGNALS_LOG_CONTEXT } from '../signals.constants.js';
import type { CommitCallback, CommitScope, CommitWork } from '../transaction/commit-scope.js';
import type { TransactionQueue } from '../transaction/transaction-queue.js';
import type { EntityDeletePayload, EntityPreSavePayload, EntitySavePayload } from './entity-payloads.js';
import { postDelete, postDeleteCommitted, postSave, postSaveCommitted, preDelete, preSave } from './entity-signals.js';
import { snapshot } from './snapshot.js';

const logger = new Logger(SIGNALS_LOG_CONTEXT);

/**
 * The boundary between an ORM adapter and the signals: the adapter maps its ORM's hooks to these calls, and
 * keeps one `TransactionQueue` per connection, reporting transaction starts, commits and rollbacks.
 * - `saving`/`deleting` before a write, `saved`/`deleted` after it (inside the ORM operation, so a receiver
 *   error aborts it): they send `preSave`/`preDelete`/`postSave`/`postDelete` with `send` semantics;
 * - `saved`/`deleted` also queue `postSaveCommitted`/`postDeleteCommitted` (a snapshot of the payload) and the
 *   cache tags the row invalidates (`CacheInvalidationModule` mappings, computed from the snapshot) on the
 *   write's `CommitScope`, or run them right after the write when there is no transaction;
 * - `committed`/`rolledBack` forward the ORM's transaction events to the queue and run what the outermost
 *   commit releases: first the invalidations, one call per cache, then the committed signals (`sendRobust`, in
 *   the order the writes happened). Await `committed` before the ORM call returns, so a write that returned has
 *   had its after-commit work (cache invalidation) done.
 */
export class EntitySignalEmitter {
  /**
   * @param apply how a commit's invalidations are applied (default: `invalidateTags(tags, { retry: true })` per
   *   cache, errors logged); an adapter with an outbox passes its own.
   */
  constructor(private readonly apply: ApplyInvalidations = applyInvalidations) {}

  /** Sends `preSave`; a receiver error propagates (abort the write with it). */
  async saving<E>(payload: EntityPreSavePayload<E>): Promise<void> {
    await preSave.send(payload);
  }

  /** Sends `postSave` and schedules `postSaveCommitted` with a snapshot of `payload` taken now. */
  async saved<E>(payload: EntitySavePayload<E>, scope?: CommitScope): Promise<void> {
    const committed = snapshot(payload);
    await this.around(
      () => postSave.send(payload),
      invalidationRules.plan('saved', committed.sender, committed.instance, committed.previous),
      async () => void (await postSaveCommitted.sendRobust(committed)),
      scope,
    );
  }

  /** Sends `preDelete`; a receiver error propagates. */
  async deleting<E>(payload: EntityDeletePayload<E>): Promise<void> {
    await preDelete.send(payload);
  }

  /** Sends `postDelete` and schedules `postDeleteCommitted` with a snapshot of `payload` taken now. */
  async deleted<E>(payload: EntityDeletePayload<E>, scope?: CommitScope): Promise<void> {
    const committed = snapshot(payload);
    await this.around(
      () => postDelete.send(payload),
      invalidationRules.plan('deleted', committed.sender, committed.instance),
      async () => void (await postDeleteCommitted.sendRobust(committed)),
      scope,
    );
  }

  /**
   * Runs `callback` after the outermost commit of `scope` (now when there is no transaction): Django's
   * `transaction.on_commit`. Its errors are logged, never thrown (the data is committed by then).
   */
  async onCommit(callback: () => unknown, scope?: CommitScope): Promise<void> {
    const name = callback.name || 'anonymous';
    const run: CommitCallback = async () => {
      try {
        await callback();
      } catch (error) {
        logger.error(
          `onCommit callback ${name} failed: ${errorMessage(error)}`,
          error instanceof Error ? error.stack : undefined,
        );
      }
    };
    if (inTransaction(scope)) scope.queue.enqueue(run, scope.depth);
    else await run();
  }

  /**
   * The ORM committed a level of `queue`'s connection, leaving `depthAfter` levels open: runs what the outermost
   * commit releases, the invalidations first (one call per cache, through `apply`, default the constructor's),
   * then the callbacks one after the other. Never rejects.
   */
  async committed(queue: TransactionQueue<CommitWork>, depthAfter: number, apply = this.apply): Promise<void> {
    await this.run(queue.committed(depthAfter), apply);
  }

  /** The ORM rolled a level of `queue`'s connection back: its queued work is dropped. */
  rolledBack(queue: TransactionQueue<CommitWork>, depthAfter: number): void {
    queue.rolledBack(depthAfter);
  }

  private async around(
    now: () => Promise<unknown>,
    invalidations: readonly PlannedInvalidation[],
    later: CommitCallback,
    scope?: CommitScope,
  ): Promise<void> {
    if (inTransaction(scope)) {
      // Queued before the receivers run, so the queue keeps the order of the writes even when several
      // entities' receivers run concurrently; a receiver error rolls the transaction back and drops it.
      for (const invalidation of invalidations) scope.queue.enqueue(invalidation, scope.depth);
      scope.queue.enqueue(later, scope.depth);
      await now();
      return;
    }
    // Autocommit: the row is written whatever the receivers do, so the after-commit work runs regardless.
    try {
      await now();
    } finally {
      await this.run([...invalidations, later], this.apply);
    }
  }

  private async run(work: readonly CommitWork[], apply: ApplyInvalidations): Promise<void> {
    const groups = groupInvalidations(work);
    // Invalidation first: committed receivers that read or warm the cache must see the committed state.
    if (groups.length) {
      try {
        await apply(groups);
      } catch (error) {
        // Appliers log their own failures; this guards the commit path against one that throws anyway.
        logger.error(`Applying the invalidations of a commit failed: ${errorMessage(error)}`);
      }
    }
    for (const item of work) if (!isPlannedInvalidation(item)) await item();
  }
}

function inTransaction(scope: CommitScope | undefined): scope is CommitScope {
  return scope !== undefined && scope.depth > 0;
}
