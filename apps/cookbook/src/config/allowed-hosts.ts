/** What ALLOWED_HOSTS accepts, for error messages. */
export const ALLOWED_HOSTS_FORMS =
  'comma-separated host names (example.com, .example.com for subdomains too, * for any), e.g. ' +
  'ALLOWED_HOSTS=localhost,.example.com';

/**
 * Parses ALLOWED_HOSTS (Django's syntax) into the page cache's `allowedHosts`, or returns why it is not acceptable:
 * an empty entry (`a,,b`) or one holding whitespace is a typo, not a host.
 */
export function parseAllowedHosts(value: string): readonly string[] | { readonly problem: string } {
  const hosts = value.split(',').map((host) => host.trim());
  if (hosts.some((host) => host === '')) return { problem: 'an entry is empty' };
  if (hosts.some((host) => /\s/.test(host))) return { problem: 'an entry holds whitespace' };
  return hosts;
}
