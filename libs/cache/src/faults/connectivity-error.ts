import { CacheError } from '../errors/cache.error.js';

// Replies that mean "this server cannot serve right now", not "your command is wrong": OOM (maxmemory reached
// under noeviction) and MISCONF (writes refused after a failed RDB save) included.
const UNAVAILABLE_REPLIES = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|NOREPLICAS|OOM|MISCONF)\b/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNABORTED',
]);
// Cluster: redirections run out while slots move or a master fails over (TRYAGAIN, CLUSTERDOWN or closed
// connections retried until maxRedirections), the slot map cannot be refreshed, or no seed node answers.
const CLIENT_MESSAGES =
  /Connection is closed|Stream isn't writeable|Command timed out|enableOfflineQueue|Reached the max retries|MaxRetriesPerRequest|Failed to refresh slots cache|None of startup nodes is available|Too many Cluster redirections|All sentinels are unreachable|connect ETIMEDOUT/i;

/**
 * True for faults of reaching Redis (refused, reset, timed out, closed, server loading, full or failing over),
 * which a retry after recovery would cure. Reply errors such as WRONGTYPE, codec errors and bad input are not:
 * they still throw when failing open. Shared by `@stash/session`, whose store faults answer 503.
 */
export function isConnectivityError(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof CacheError) return false;
  if (error.name === 'ReplyError') return UNAVAILABLE_REPLIES.test(error.message);
  const code = (error as NodeJS.ErrnoException).code;
  if (code && NETWORK_CODES.has(code)) return true;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    error.name === 'ClusterAllFailedError' ||
    CLIENT_MESSAGES.test(error.message)
  );
}

/** True when the error carries (or wraps) a reply from the server: proof that Redis answered. */
export function isServerReply(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'ReplyError' || isServerReply(error.cause);
}
