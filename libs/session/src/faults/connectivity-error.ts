// Replies that mean "this server cannot serve right now", not "your command is wrong".
const UNAVAILABLE_REPLIES = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|NOREPLICAS)\b/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNABORTED',
]);
const CLIENT_MESSAGES =
  /Connection is closed|Stream isn't writeable|Command timed out|enableOfflineQueue|Reached the max retries|MaxRetriesPerRequest|All sentinels are unreachable|connect ETIMEDOUT/i;

// True for faults of reaching Redis (refused, reset, timed out, closed, server loading or failing over), which a
// retry after recovery would cure. Reply errors such as WRONGTYPE are bugs and are not.
export function isConnectivityError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ReplyError') return UNAVAILABLE_REPLIES.test(error.message);
  const code = (error as NodeJS.ErrnoException).code;
  if (code && NETWORK_CODES.has(code)) return true;
  return error.name === 'MaxRetriesPerRequestError' || CLIENT_MESSAGES.test(error.message);
}
