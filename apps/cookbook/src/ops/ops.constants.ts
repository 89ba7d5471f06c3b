/** DI token of the app's own prom-client `Registry` (never the global default one). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/**
 * Upper bound, in ms, of each health probe. Above the session client's 1 s command timeout, so a stalled Redis
 * answers with its own timeout error rather than ours, and the whole check still answers within about 1.5 s.
 */
export const HEALTH_PROBE_TIMEOUT_MS = 1_500;

/** Label of responses sent before Express matched a route (404s, body-parser errors): keeps `route` bounded. */
export const UNMATCHED_ROUTE = '<unmatched>';
