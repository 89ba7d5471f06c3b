/** DI token of the raw `SignalsModule` options. */
export const SIGNALS_MODULE_OPTIONS = Symbol('SIGNALS_MODULE_OPTIONS');

/** DI token of the resolved, frozen `SignalsModule` options. */
export const SIGNALS_OPTIONS = Symbol('SIGNALS_OPTIONS');

/** Metadata key of `@Receiver` (an array: the decorator stacks). */
export const RECEIVER_METADATA = 'stash:signals:receivers';

/** Context of the Nest `Logger` every part of `@stash/signals` logs through. */
export const SIGNALS_LOG_CONTEXT = 'Signals';
