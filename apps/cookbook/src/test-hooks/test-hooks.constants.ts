/** DI token of the test hooks' `LoaderHook`, which replaces the core module's no-op one when it is provided. */
export const TEST_LOADER_HOOK = Symbol('TEST_LOADER_HOOK');

/** Path of the stats endpoint (`GET /__stash/stats`). */
export const STASH_STATS_PATH = '__stash/stats';
