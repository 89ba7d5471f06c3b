import type { CacheContext } from '../entries/cache-context.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import { CacheLockError } from '../errors/cache-lock.error.js';

/** A held distributed lock (`CacheService.lock`). Its owner token is checked in Lua on release and extend. */
export class CacheLock {
  /** @internal */
  constructor(
    /** The lock's name as given to `lock()`. */
    readonly name: string,
    private readonly key: string,
    private readonly token: string,
    private readonly timeoutSeconds: number,
    private readonly context: CacheContext,
  ) {}

  /**
   * Releases the lock.
   * @throws CacheLockError when it expired and another owner may hold it now.
   * @throws CacheUnavailableError when Redis cannot be reached.
   */
  async release(): Promise<void> {
    const { guard, store } = this.context;
    const released = await guard.runStrict('lock.release', () => store.releaseLock(this.key, this.token));
    if (!released)
      throw new CacheLockError(this.name, 'not released: it expired and is no longer owned by this holder');
  }

  /**
   * Resets the lock's expiry to `seconds` from now (the lock's timeout by default).
   * @throws CacheArgumentError when `seconds` is not a finite number > 0.
   * @throws CacheLockError when it is no longer owned.
   */
  async extend(seconds = this.timeoutSeconds): Promise<void> {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      throw new CacheArgumentError('lock.extend', 'seconds', seconds, 'seconds > 0');
    }
    const { guard, store } = this.context;
    const extended = await guard.runStrict('lock.extend', () => store.extendLock(this.key, this.token, seconds * 1000));
    if (!extended)
      throw new CacheLockError(this.name, 'not extended: it expired and is no longer owned by this holder');
  }
}
