import type { CacheContext } from '../entries/cache-context.js';
import { errorMessage } from '../errors/error-message.js';
import type { CallGuard } from '../faults/call-guard.js';
import { newToken } from '../store/base-cache-store.js';

const OPERATION = 'getOrSet';

/**
 * The cross-process lock that lets one process fill a key (`prefix:~fill:...`), with its own owner token, taken
 * within one `getOrSet` call (its `CallGuard`). Every call fails open, and release and extend are owner-checked in
 * Lua, so a lock whose state is unknown (a SET NX that timed out and may have landed) can be released safely.
 */
export class FillLock {
  private readonly key: string;
  private readonly owner = newToken();
  private readonly ttlMs: number;

  constructor(
    private readonly context: CacheContext,
    private readonly guard: CallGuard,
    storedKey: string,
  ) {
    this.key = context.keys.fill(storedKey);
    this.ttlMs = context.options.stampede.lockTtl * 1000;
  }

  /** true: acquired; false: another process holds it, or Redis could not tell (then the call has faulted). */
  acquire(): Promise<boolean> {
    const { store } = this.context;
    return this.guard.run(
      OPERATION,
      () => store.acquireLock(this.key, this.owner, this.ttlMs),
      () => false,
    );
  }

  /** Whether any process holds the lock now; false when Redis cannot tell (waiting on it is pointless then). */
  async isHeld(): Promise<boolean> {
    const { store } = this.context;
    const holder = await this.guard.run(
      OPERATION,
      () => store.get(this.key),
      () => undefined,
    );
    return holder !== undefined;
  }

  /**
   * Runs `task` holding the lock: extends it every third of its TTL until the task settles, so that a loader
   * slower than `stampede.lockTtl` does not let another process start a second one, then releases it.
   */
  async hold<T>(task: () => Promise<T>): Promise<T> {
    const { store } = this.context;
    let extending: Promise<unknown> | undefined;
    const timer = setInterval(() => {
      extending ??= this.guard
        .run(
          OPERATION,
          () => store.extendLock(this.key, this.owner, this.ttlMs),
          () => true,
        )
        .then(
          // Lost (expired, or taken over after a stall): extending further could only fail.
          (owned) => (owned ? (extending = undefined) : clearInterval(timer)),
          () => (extending = undefined),
        );
    }, this.ttlMs / 3);
    timer.unref();
    try {
      return await task();
    } finally {
      clearInterval(timer);
      await this.release();
    }
  }

  /** Releases the lock if this owner holds it; in the background once the call has faulted. */
  release(): Promise<void> {
    const { store, logger, options } = this.context;
    return this.guard.cleanUp(
      OPERATION,
      () => store.releaseLock(this.key, this.owner),
      (error) => logger.warn(`Cache "${options.name}": releasing fill lock ${this.key} failed: ${errorMessage(error)}`),
    );
  }
}
