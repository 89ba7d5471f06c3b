// Milliseconds the stored session should live: until the cookie's expiry, or `defaultTtlSeconds` for a
// browser-session cookie (which has none). Zero or less means it has already expired. connect-redis computes the
// same in seconds (`_getTTL`).
export function sessionTtlMs(
  cookie: { expires?: Date | string | null | boolean } | undefined,
  defaultTtlSeconds: number,
  now: number,
): number {
  const expires = cookie?.expires;
  if (expires instanceof Date || typeof expires === 'string') {
    const at = new Date(expires).getTime();
    if (Number.isFinite(at)) return Math.ceil(at - now);
  }
  return defaultTtlSeconds * 1000;
}
