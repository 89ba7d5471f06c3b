// The decorated method's own parameters, whatever they are: `key: (id: number) => ...` must type-check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type MethodArguments = any[];

/**
 * Options of `@Cached`. Every duration is in seconds. The functions receive the method's arguments, as the
 * method does.
 */
export interface CachedOptions {
  /**
   * Computes the call's cache key from the arguments.
   * @default `<ClassName>.<method>:<stable serialisation of the arguments>`
   */
  key?: (...args: MethodArguments) => string;
  /** Fresh lifetime in seconds; `null` = never expires, `0` = run without storing. @default the cache's defaultTtl */
  ttl?: number | null;
  /** Tags the result depends on, or a function of the arguments returning them; `invalidateTags` drops it. */
  tags?: readonly string[] | ((...args: MethodArguments) => readonly string[]);
  /** Name of the configured cache that stores the results. @default 'default' */
  cache?: string;
  /** Seconds after expiry during which the stale result is returned while one call refreshes it. @default 0 */
  staleWhileRevalidate?: number;
  /** Seconds after expiry during which the stale result is returned if the method throws. @default 0 */
  grace?: number;
}
