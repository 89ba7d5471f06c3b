/**
 * One write at a time per recipe, so that a recipe's versions are committed in the order they were handed out
 * (two concurrent writes of v5 and v6 could commit v6 first, and a read of v5 afterwards would be no bug). Writes
 * of different recipes run concurrently. Locks of one write are taken in id order: no cycle, no deadlock.
 */
export class RecordLocks {
  private readonly tails = new Map<number, Promise<void>>();

  /** Waits for every recipe of `recordIds`; returns the function that releases them. */
  async acquire(recordIds: readonly number[]): Promise<() => void> {
    const releases: (() => void)[] = [];
    for (const recordId of [...new Set(recordIds)].sort((a, b) => a - b)) releases.push(await this.one(recordId));
    return () => releases.forEach((release) => release());
  }

  private async one(recordId: number): Promise<() => void> {
    const previous = this.tails.get(recordId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(recordId, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(recordId) === tail) this.tails.delete(recordId);
    };
  }
}
