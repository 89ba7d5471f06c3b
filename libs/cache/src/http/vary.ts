import { headerItems } from './cache-control.js';

/**
 * Django's `patch_vary_headers`: appends the names not already present (compared case-insensitively), keeping
 * the existing order; a `*` anywhere makes the whole header `*`.
 */
export function patchVary(header: string | undefined, names: readonly string[]): string {
  const vary = headerItems(header);
  const existing = new Set(vary.map((name) => name.toLowerCase()));
  vary.push(...names.filter((name) => !existing.has(name.toLowerCase())));
  return vary.includes('*') ? '*' : vary.join(', ');
}

/** Django's `has_vary_header`: whether the header names `name` (case-insensitively). */
export function hasVary(header: string | undefined, name: string): boolean {
  const wanted = name.toLowerCase();
  return headerItems(header).some((item) => item.toLowerCase() === wanted);
}

/**
 * The request headers a response varies on, as a cache key uses them (Django's `learn_cache_key`): lower-cased,
 * de-duplicated and sorted, so `Cookie, Accept` and `accept,cookie` learn the same list. `*` when the response
 * varies on everything (it is then not cacheable at all).
 */
export function varyNames(header: string | undefined): readonly string[] | '*' {
  const names = new Set(headerItems(header).map((name) => name.toLowerCase()));
  if (names.has('*')) return '*';
  return [...names].sort();
}
