const GLOB_SPECIAL = /[*?[\]\\]/g;

/**
 * Escapes Redis glob characters (`*`, `?`, `[`, `]`, `\`) so that a user-supplied string matches only itself
 * inside a `deletePattern` / `iterKeys` pattern.
 */
export function escapeGlob(text: string): string {
  return text.replace(GLOB_SPECIAL, '\\$&');
}
