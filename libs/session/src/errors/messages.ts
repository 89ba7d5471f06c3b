// How to make a handler load the session; quoted by `SessionNotLoadedError`.
export const NOT_LOADED_HINT =
  'Declare that the handler uses the session with a @Session() or @CurrentSession() parameter, or ' +
  '@UsesSession() on the handler or its controller, or call `await sessionService.load(req)` first ' +
  '(in a global guard or a middleware, for example).';

// Body of the 503 answered while the session store is unreachable.
export const UNAVAILABLE_MESSAGE = 'The session store is unavailable; try again shortly.';

// Body of the 400 answered when the session was deleted by a concurrent request.
export const INTERRUPTED_MESSAGE =
  "The request's session was deleted before the request completed (the user may have logged out elsewhere).";
