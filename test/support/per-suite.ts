import { watchUnhandledRejections } from './unhandled-rejections.js';

/** Something a suite starts once and shares between its tests. */
export interface PerSuite<T> {
  /** The started value (inside the suite's hooks and tests only). */
  readonly current: T;
}

/**
 * Registers `beforeAll`/`afterAll` hooks that `start` a server or topology for the enclosing `describe` and, after
 * its tests, stop it and expect no unhandled promise rejection from the whole suite, its teardown included.
 * @param startTimeoutMs bound of the start, ms; jest's default timeout unless given.
 */
export function perSuite<T extends { stop(): Promise<unknown> }>(
  start: () => Promise<T>,
  startTimeoutMs?: number,
): PerSuite<T> {
  const rejections = watchUnhandledRejections();
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  }, startTimeoutMs);
  afterAll(async () => {
    await started?.stop();
    rejections.expectNone();
  });
  return {
    get current() {
      if (!started) throw new Error('perSuite(): the value exists only inside the suite, once started');
      return started;
    },
  };
}
