/** Hosts whose pages are cached when ALLOWED_HOSTS is unset: the machine itself. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/**
 * ALLOWED_HOSTS (comma-separated, Django's syntax: `example.com`, `.example.com` for it and its subdomains, `*` for
 * any) as the page cache's `allowedHosts`. Requests for other hosts bypass the page cache (`X-Cache: BYPASS`), so
 * a forged Host header cannot fill the cache with pages under names nobody uses.
 * @throws Error naming the variable when an entry is empty or holds whitespace.
 */
export function parseAllowedHosts(value: string | undefined): readonly string[] {
  if (value === undefined || value.trim() === '') return DEFAULT_ALLOWED_HOSTS;
  const hosts = value.split(',').map((host) => host.trim());
  const bad = hosts.find((host) => host === '' || /\s/.test(host));
  if (bad !== undefined) {
    throw new Error(
      `ALLOWED_HOSTS=${JSON.stringify(value)} is not accepted: expected comma-separated host names ` +
        '(example.com, .example.com for subdomains too, * for any), e.g. ALLOWED_HOSTS=localhost,.example.com.',
    );
  }
  return hosts;
}
