/** A stored value with the metadata Stash keeps beside it. */
export interface CacheEntry {
  readonly value: unknown;
  /** Tag name → token captured before the value was computed; the entry is valid while every token is current. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Epoch ms after which the value is stale (kept only for stale-while-revalidate, grace or early refresh). */
  readonly freshUntil?: number;
  /** How long the loader took, in ms (XFetch's delta). */
  readonly computeMs?: number;
}
