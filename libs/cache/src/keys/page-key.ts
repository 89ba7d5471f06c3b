import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

// 22 base64url characters: 132 bits of SHA-256, short enough that a page key never reaches maxKeyLength.
const HASH_LENGTH = 22;
const FAMILY = '~page';

/** What identifies a page before Vary: its absolute URL, or the explicit key given with `@CacheKey`. */
export type PageIdentity = { readonly url: string } | { readonly key: string };

/** The keys of one page (one URL or explicit key, under one key prefix). @internal */
export interface PageKeys {
  /** Hash of the page's identity, shared by every variant: the part `invalidate(url)` scans for. */
  readonly idHash: string;
  /** User key of the Vary header list learned for the page (Django's `cache_header` key). */
  readonly varyKey: string;
}

/**
 * Page key layout (user keys; the cache's key function adds `prefix:version:`):
 *
 * - entry: `~page:<id hash>:<key prefix>:<method>:<vary hash>`
 * - learned Vary list: `~page:<id hash>:<key prefix>:vary`
 *
 * The identity hash comes first, so every variant of a URL, under every key prefix, matches the SCAN pattern
 * `~page:<id hash>:*` ({@link pagePattern}). URLs and explicit keys are hashed in separate namespaces.
 */
export function pageKeys(identity: PageIdentity, keyPrefix: string): PageKeys {
  const idHash = shortHash('url' in identity ? `url\n${identity.url}` : `key\n${identity.key}`);
  return { idHash, varyKey: `${FAMILY}:${idHash}:${keyPrefix}:vary` };
}

/** User key of one stored variant of a page. */
export function pageEntryKey(idHash: string, keyPrefix: string, method: string, varyHash: string): string {
  return `${FAMILY}:${idHash}:${keyPrefix}:${method}:${varyHash}`;
}

/** Glob matching every key of a page: each variant and its learned Vary list, under any key prefix. */
export function pagePattern(idHash: string): string {
  return `${FAMILY}:${idHash}:*`;
}

/**
 * Hash of the request headers named by a response's Vary (`names` already normalised and sorted). Each name is
 * hashed with its value, and a missing header (`null`) differs from an empty one (`""`); the JSON encoding keeps
 * boundaries, so `a: "xy", b: ""` and `a: "x", b: "y"` differ too (Django concatenates the values, so both pairs
 * collide there).
 */
export function varyHash(names: readonly string[], headers: IncomingHttpHeaders): string {
  const values = names.map((name) => [name, headers[name] ?? null]);
  return shortHash(JSON.stringify(values));
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, HASH_LENGTH);
}
