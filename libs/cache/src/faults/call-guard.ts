import { CacheUnavailableError } from '../errors/cache-unavailable.error.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { StoreGuard } from './fault-guard.js';

/**
 * The fault guard of one call that sends several commands in a row (a `getOrSet`, a page lookup and fill). Once
 * one of them meets a connectivity fault (or the open breaker), the call's remaining commands are not sent: each
 * fails open at once, or throws `CacheUnavailableError` where failing open is not allowed. A stalled Redis then
 * costs the call one `commandTimeout`, not one per command; the commands that were not sent count as nothing
 * (no fault, no breaker failure). Faults are still counted, logged and fed to the breaker by the cache's guard.
 */
export class CallGuard implements StoreGuard {
  private faulted = false;

  constructor(
    private readonly guard: StoreGuard,
    private readonly cache: { readonly name: string; readonly failOpen: boolean },
  ) {}

  get breaker(): CircuitBreaker {
    return this.guard.breaker;
  }

  /** Whether a command of this call met a fault: the rest of the call goes without Redis. */
  get hasFaulted(): boolean {
    return this.faulted;
  }

  /** Takes on a fault met by a shared command this call waited for (another request's read). */
  fault(): void {
    this.faulted = true;
  }

  run<T>(operation: string, call: () => Promise<T>, fallback: () => T, mayFailOpen = true): Promise<T> {
    if (this.faulted) {
      if (mayFailOpen && this.cache.failOpen) return Promise.resolve(fallback());
      return Promise.reject(new CacheUnavailableError(this.cache.name, operation));
    }
    const failedOpen = (): T => {
      this.faulted = true;
      return fallback();
    };
    return this.guard.run(operation, call, failedOpen, mayFailOpen).catch((error: unknown) => {
      if (error instanceof CacheUnavailableError) this.faulted = true;
      throw error;
    });
  }

  runStrict<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return this.run(operation, call, () => undefined as T, false);
  }

  /**
   * Sends a clean-up command (a lock release) even after a fault: a `SET NX` that timed out may still land when
   * Redis resumes, and would then hold other processes off for the lock's TTL. After a fault the command is not
   * awaited, so it adds nothing to the call's latency; `onError` gets what it rejects with then, unless it is
   * another fault (the cache's guard counted and logged that one).
   */
  cleanUp(operation: string, call: () => Promise<unknown>, onError: (error: unknown) => void): Promise<void> {
    const sent = this.guard.run(operation, call, () => undefined).then(() => undefined);
    if (!this.faulted) return sent;
    sent.catch((error: unknown) => {
      if (!(error instanceof CacheUnavailableError)) onError(error);
    });
    return Promise.resolve();
  }
}
