/** Renders a fragment on a miss: its HTML (or any text). */
export type FragmentRender = () => string | Promise<string>;

/** Options of `CacheService.fragment`. */
export interface FragmentOptions {
  /** Tags the fragment depends on; `invalidateTags` on any of them makes it render again. */
  tags?: readonly string[];
}
