import type { PlannedInvalidation } from '../invalidation/invalidation-plan.js';
import type { TransactionQueue } from './transaction-queue.js';

/** Work queued for after the outermost commit; it must never reject (the emitter wraps it). */
export type CommitCallback = () => Promise<void>;

/**
 * What a transaction's queue holds: callbacks (the committed signals, `onCommit`) and the cache tags its writes
 * invalidate, planned when each row was written. Tags are data rather than callbacks so that one commit costs one
 * `invalidateTags` call per cache, and so that an outbox can store them before the COMMIT.
 */
export type CommitWork = CommitCallback | PlannedInvalidation;

/**
 * Where a write's after-commit work goes: the queue of the connection it ran on, at the ORM's current
 * transaction depth. `undefined`, or depth 0, means autocommit: the work runs right after the statement.
 */
export interface CommitScope {
  readonly queue: TransactionQueue<CommitWork>;
  readonly depth: number;
}
