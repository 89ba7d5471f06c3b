import { CommandTimeoutError } from '../errors/command-timeout.error.js';

/**
 * How many times a command's own bound (`withinCommandTimeout`) the ioredis `commandTimeout` of a client Stash opens
 * is: that timer fires before replies already received are read, so it must not beat Stash's after a busy event loop;
 * it stays only as a safety net (for commands sent on the raw client, which callers bound themselves).
 */
export const RAW_COMMAND_TIMEOUT_FACTOR = 10;

/**
 * Settles as `command` does, or rejects with `CommandTimeoutError` when it is still pending `timeoutMs` after it
 * was sent and after the replies already received have been read. Stash bounds each of its own commands with it;
 * use it for the commands you send on `CacheService.client`, whose ioredis `commandTimeout` is only a safety net
 * (ten times the cache's).
 *
 * Why not ioredis's `commandTimeout` alone: its timer fires in the event loop's timers phase, which comes before
 * the poll phase that reads sockets. When the process was busy for longer than the timeout (a burst of requests
 * arriving at once), the reply had arrived in time but was not read yet; ioredis rejects the command and drops
 * the reply, and a healthy Redis counts as a fault: the call fails open, a `getOrSet` miss loads without its fill
 * lock (so every process loads), and enough of them open the circuit breaker in the middle of the burst. Here an
 * expired timer first lets the poll phase run (`setImmediate`), so a reply that is already in the socket wins.
 * @param command the promise of an ioredis command, sent just now.
 * @param timeoutMs how long to wait for its reply, in milliseconds.
 * @returns what `command` settles with.
 * @throws CommandTimeoutError when no reply was read in time (a connectivity fault: `isConnectivityError` is true).
 * @example const views = await withinCommandTimeout(cache.client!.zincrby('views', 1, id), 500);
 */
export function withinCommandTimeout<T>(command: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (settled) return;
          settled = true;
          reject(new CommandTimeoutError(timeoutMs));
        }),
      timeoutMs,
    );
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      finish();
    };
    command.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
