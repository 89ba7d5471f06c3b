import type { LockOptions } from '../cache-service-options.interface.js';
import type { CacheContext } from '../entries/cache-context.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import { CacheLockError } from '../errors/cache-lock.error.js';
import { errorMessage } from '../errors/error-message.js';
import { newToken } from '../store/base-cache-store.js';
import { CacheLock } from './cache-lock.js';

const LOCK_POLL_MS = 25;

/** `CacheService.lock`: polls SET NX until acquired or `blockingTimeout` passes. */
export async function acquireLock(context: CacheContext, name: string, options: LockOptions): Promise<CacheLock> {
  const timeout = options.timeout ?? 10;
  const blockingTimeout = options.blockingTimeout ?? 10;
  if (!(timeout > 0) || !Number.isFinite(timeout))
    throw new CacheArgumentError('lock', 'timeout', timeout, 'seconds > 0');
  if (!(blockingTimeout >= 0)) throw new CacheArgumentError('lock', 'blockingTimeout', blockingTimeout, 'seconds >= 0');
  const { keys, guard, store, stats } = context;
  const lockKey = keys.lock(name);
  const token = newToken();
  const deadline = Date.now() + blockingTimeout * 1000;
  for (let waited = false; ; waited = true) {
    if (await guard.runStrict('lock', () => store.acquireLock(lockKey, token, timeout * 1000))) {
      return new CacheLock(name, lockKey, token, timeout, context);
    }
    if (Date.now() >= deadline) throw new CacheLockError(name, `not acquired within ${blockingTimeout}s`);
    // One wait per call, however many polls it takes (getOrSet's fill-lock waits count alike).
    if (!waited) stats.lockWaits++;
    await new Promise((resolve) => setTimeout(resolve, Math.min(LOCK_POLL_MS, deadline - Date.now())));
  }
}

/** `CacheService.withLock` once the lock is held: the task's own error wins over a failed release. */
export async function runHoldingLock<T>(
  context: CacheContext,
  lock: CacheLock,
  task: () => T | Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await task();
  } catch (error) {
    await lock
      .release()
      .catch((releaseError: unknown) =>
        context.logger.warn(
          `Cache "${context.options.name}": lock ${JSON.stringify(lock.name)} not released after its task failed ` +
            `(${errorMessage(releaseError)}); rethrowing the task's error.`,
        ),
      );
    throw error;
  }
  await lock.release();
  return result;
}
