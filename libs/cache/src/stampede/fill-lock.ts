import type { CacheContext } from '../entries/cache-context.js';
import { newToken } from '../store/base-cache-store.js';

const OPERATION = 'getOrSet';

/**
 * The cross-process lock that lets one process fill a key (`prefix:~fill:...`), with its own owner token.
 * Every call fails open, and release and extend are owner-checked in Lua, so a lock whose state is unknown
 * (Redis unreachable, or a SET NX that timed out and may have landed) can be released and extended safely.
 */
export class FillLock {
  private readonly key: string;
  private readonly owner = newToken();
  private readonly ttlMs: number;

  constructor(
    private readonly context: CacheContext,
    storedKey: string,
  ) {
    this.key = context.keys.fill(storedKey);
    this.ttlMs = context.options.stampede.lockTtl * 1000;
  }

  /** true: acquired; false: another process holds it; undefined: unknown (Redis unreachable or timed out). */
  acquire(): Promise<boolean | undefined> {
    const { guard, store } = this.context;
    return guard.run(
      OPERATION,
      () => store.acquireLock(this.key, this.owner, this.ttlMs),
      () => undefined,
    );
  }

  /** Whether any process holds the lock now; false when Redis cannot tell (waiting on it is pointless then). */
  async isHeld(): Promise<boolean> {
    const { guard, store } = this.context;
    const holder = await guard.run(
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
    const { guard, store } = this.context;
    let extending: Promise<unknown> | undefined;
    const timer = setInterval(() => {
      extending ??= guard
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
      await guard.run(
        OPERATION,
        () => store.releaseLock(this.key, this.owner),
        () => false,
      );
    }
  }
}
