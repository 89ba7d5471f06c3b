import { SignalsConfigError } from '../errors/signals-config.error.js';

/**
 * The after-commit queue of one database connection's transaction (Django's `transaction.on_commit` list):
 * one frame per open level, the outermost transaction first and one more per savepoint. An ORM adapter keeps
 * one queue per connection (transaction handle) and reports the ORM's transaction depth after each event:
 * - `started(depthAfter)` when a transaction or savepoint began;
 * - `enqueue(item, depth)` for work to run once the outermost transaction commits;
 * - `committed(depthAfter)`: a released savepoint merges its frame into its parent's; the outermost commit
 *   returns every queued item, in enqueue order, for the adapter to run;
 * - `rolledBack(depthAfter)`: the frames deeper than `depthAfter` are dropped (and returned).
 * The queue holds no I/O and runs nothing itself.
 */
export class TransactionQueue<T> {
  private readonly frames: T[][] = [];

  /** The number of open levels the queue knows of (0 when no transaction is open). */
  get depth(): number {
    return this.frames.length;
  }

  /** The number of items waiting for the outermost commit. */
  get size(): number {
    return this.frames.reduce((count, frame) => count + frame.length, 0);
  }

  /**
   * Every queued item, outermost level first, in enqueue order: what an outermost commit would return now. An
   * adapter reads it just before the COMMIT (to store work inside the transaction); the queue is unchanged.
   */
  items(): T[] {
    return this.frames.flat();
  }

  /** A transaction (`depthAfter` 1) or a savepoint (`depthAfter` > 1) began. */
  started(depthAfter: number): void {
    assertDepth('started', depthAfter, 1);
    // Frames at or below the new level are left-overs of levels whose end the adapter never saw (a failed COMMIT
    // whose ROLLBACK failed too): that work never committed, so it is dropped.
    this.frames.length = Math.min(this.frames.length, depthAfter - 1);
    while (this.frames.length < depthAfter) this.frames.push([]);
  }

  /**
   * Queues `item` at the level `depth` (the ORM's current depth, >= 1). Missing levels are created, so that a
   * queue made while a transaction was already open still works.
   */
  enqueue(item: T, depth: number): void {
    assertDepth('enqueue', depth, 1);
    while (this.frames.length < depth) this.frames.push([]);
    this.frames[depth - 1]!.push(item);
  }

  /**
   * A level committed, leaving `depthAfter` levels open. Returns the items to run now: every queued item when
   * the outermost transaction committed (`depthAfter` 0), none when a savepoint was released (its items move to
   * the parent level, after the parent's own).
   */
  committed(depthAfter: number): T[] {
    assertDepth('committed', depthAfter, 0);
    if (depthAfter === 0) return this.frames.splice(0).flat();
    if (this.frames.length > depthAfter) {
      const released = this.frames.splice(depthAfter).flat();
      this.frames[depthAfter - 1]!.push(...released);
    }
    return [];
  }

  /** A level rolled back, leaving `depthAfter` levels open: the deeper levels' items are dropped and returned. */
  rolledBack(depthAfter: number): T[] {
    assertDepth('rolledBack', depthAfter, 0);
    return this.frames.splice(depthAfter).flat();
  }
}

function assertDepth(operation: string, depth: number, min: number): void {
  if (!Number.isSafeInteger(depth) || depth < min) {
    throw new SignalsConfigError(`TransactionQueue.${operation}(depth)`, depth, `an integer >= ${min}`);
  }
}
