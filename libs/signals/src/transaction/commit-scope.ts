import type { TransactionQueue } from './transaction-queue.js';

/** Work queued for after the outermost commit; it must never reject (the emitter wraps it). */
export type CommitCallback = () => Promise<void>;

/**
 * Where a write's after-commit work goes: the queue of the connection it ran on, at the ORM's current
 * transaction depth. `undefined`, or depth 0, means autocommit: the work runs right after the statement.
 */
export interface CommitScope {
  readonly queue: TransactionQueue<CommitCallback>;
  readonly depth: number;
}
