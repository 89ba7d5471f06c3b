import { LoaderTimeoutError } from '../errors/loader-timeout.error.js';

/** What a `getOrSet` loader receives: a signal aborted when `loaderTimeout` elapses. */
export interface LoaderContext {
  readonly signal: AbortSignal;
}

/** Computes the value of a missing key. */
export type Loader<T> = (context: LoaderContext) => T | Promise<T>;

/** Runs a loader, rejecting with `LoaderTimeoutError` (and aborting its signal) after `timeoutSeconds`. */
export async function runLoader<T>(key: string, loader: Loader<T>, timeoutSeconds: number | undefined): Promise<T> {
  const controller = new AbortController();
  if (timeoutSeconds === undefined) return loader({ signal: controller.signal });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new LoaderTimeoutError(key, timeoutSeconds);
      controller.abort(error);
      reject(error);
    }, timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => loader({ signal: controller.signal })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** XFetch (Vattani et al., VLDB 2015): refresh early with a probability that rises as expiry nears. */
export function shouldRefreshEarly(freshUntil: number, computeMs: number, beta: number, now = Date.now()): boolean {
  return now - computeMs * beta * Math.log(Math.random()) >= freshUntil;
}
