/** Selects a key version other than the cache's (Django's `version=` argument). */
export interface VersionOption {
  version?: number;
}

/** Options of `set`, `add` and `setMany`. */
export interface SetOptions extends VersionOption {
  /** Tags the value depends on; `invalidateTags` on any of them makes it miss. */
  tags?: readonly string[];
}

/** Options of `lock`. Both in seconds. */
export interface LockOptions {
  /** The lock expires after this many seconds unless extended. @default 10 */
  timeout?: number;
  /** How long to wait for the lock; 0 tries once. @default 10 */
  blockingTimeout?: number;
}

/** Options of `invalidateTags`. */
export interface InvalidateTagsOptions {
  /**
   * On a connectivity fault, queue the tags and retry them in the background (50 ms doubling to 1 s) instead of
   * throwing `CacheUnavailableError`; this process treats them as invalidated until the retry lands. For callers
   * that must not fail, such as after-commit hooks. @default false
   */
  retry?: boolean;
}
