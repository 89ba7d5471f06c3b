/** Where a sign-in goes when the form names no page to come back to. */
export const DEFAULT_NEXT_PATH = '/dashboard';

const MAX_NEXT_LENGTH = 2_000;

/**
 * The page to go to after signing in: `next` when it is a path on this site, else the dashboard. `//evil.example`
 * and `/\evil.example` are protocol-relative URLs to browsers, so an open redirect; they are refused, as are
 * control characters and anything that is not a path.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > MAX_NEXT_LENGTH) return DEFAULT_NEXT_PATH;
  if (!/^\/(?![/\\])[^\s\x00-\x1f\x7f\\]*$/.test(next)) return DEFAULT_NEXT_PATH;
  return next;
}
