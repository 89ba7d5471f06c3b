/** DI token of the raw `SessionModule` options (as passed to `forRoot` or returned by the async factory). */
export const SESSION_MODULE_OPTIONS = Symbol('SESSION_MODULE_OPTIONS');

/** DI token of the resolved, frozen options (every default applied); see `ResolvedSessionOptions`. */
export const SESSION_OPTIONS = Symbol('SESSION_OPTIONS');

/** DI token of the `Logger` used by `@stash/session` (override it to route its log lines). */
export const SESSION_LOGGER = Symbol('SESSION_LOGGER');

/** Metadata key set by `@UsesSession()` and `@CurrentSession()`: the handler needs its session loaded. */
export const USES_SESSION_METADATA = 'stash:session:uses';
