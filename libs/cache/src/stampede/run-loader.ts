import { LoaderTimeoutError } from '../errors/loader-timeout.error.js';

/** What a `getOrSet` loader receives: a signal aborted when `loaderTimeout` elapses. */
export interface LoaderContext {
  readonly signal: AbortSignal;
}

/** Computes the value of a missing key. */
export type Loader<T> = (context: LoaderContext) => T | Promise<T>;

/**
 * Runs a loader, rejecting with `LoaderTimeoutError` (and aborting its signal) after `timeoutSeconds`, and with
 * `abort`'s reason as soon as `abort` is aborted (the cache is closing), whether or not the loader settles.
 */
export async function runLoader<T>(
  key: string,
  loader: Loader<T>,
  timeoutSeconds: number | undefined,
  abort?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  if (timeoutSeconds === undefined && !abort) return loader({ signal: controller.signal });
  abort?.throwIfAborted();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const stop = (reason: unknown) => {
      controller.abort(reason);
      reject(reason);
    };
    if (timeoutSeconds !== undefined) {
      timer = setTimeout(() => stop(new LoaderTimeoutError(key, timeoutSeconds)), timeoutSeconds * 1000);
    }
    if (abort) {
      onAbort = () => stop(abort.reason);
      abort.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([Promise.resolve().then(() => loader({ signal: controller.signal })), stopped]);
  } finally {
    clearTimeout(timer);
    if (onAbort) abort?.removeEventListener('abort', onAbort);
  }
}

/** XFetch (Vattani et al., VLDB 2015): refresh early with a probability that rises as expiry nears. */
export function shouldRefreshEarly(freshUntil: number, computeMs: number, beta: number, now = Date.now()): boolean {
  return now - computeMs * beta * Math.log(Math.random()) >= freshUntil;
}
