import type { QueryRunner } from 'typeorm';
import type { CommitWork, CommitScope } from '../transaction/commit-scope.js';
import { TransactionQueue } from '../transaction/transaction-queue.js';

// One after-commit queue per TypeORM connection (QueryRunner): a transaction and its savepoints live on one
// runner. Weak, so that released runners (and anything queued on a transaction that never ended) are collected.
// Process-wide, because signalBulkWrite and onCommit only get an EntityManager.
const queues = new WeakMap<QueryRunner, TransactionQueue<CommitWork>>();

/** The queue of a runner, created on first use. */
export function queueOf(queryRunner: QueryRunner): TransactionQueue<CommitWork> {
  let queue = queues.get(queryRunner);
  if (!queue) queues.set(queryRunner, (queue = new TransactionQueue<CommitWork>()));
  return queue;
}

/** The queue of a runner if it has one (a commit or rollback on a runner that queued nothing needs none). */
export function existingQueueOf(queryRunner: QueryRunner): TransactionQueue<CommitWork> | undefined {
  return queues.get(queryRunner);
}

/**
 * The runner's transaction depth after its last start/commit/rollback: 1 inside a transaction, one more per
 * savepoint. TypeORM keeps it in the protected `transactionDepth` (and updates it before broadcasting
 * AfterTransactionCommit/Rollback); drivers without savepoints only have `isTransactionActive`.
 */
export function transactionDepth(queryRunner: QueryRunner): number {
  const depth = (queryRunner as unknown as { transactionDepth?: unknown }).transactionDepth;
  if (typeof depth === 'number') return depth;
  return queryRunner.isTransactionActive ? 1 : 0;
}

/** Where the after-commit work of a write on this runner goes; `undefined` when no transaction is open. */
export function commitScopeOf(queryRunner: QueryRunner | undefined): CommitScope | undefined {
  if (!queryRunner?.isTransactionActive) return undefined;
  const depth = transactionDepth(queryRunner);
  return depth > 0 ? { queue: queueOf(queryRunner), depth } : undefined;
}
