/** The largest id a row can have: ids are 32-bit signed integers on PostgreSQL. */
export const MAX_RECORD_ID = 2_147_483_647;

/**
 * The id a path segment or session value names, or undefined when it is not a canonical positive integer in
 * range: `abc`, `-1`, `0`, `01`, `1e9999`, `1.5` and `2147483648` are all rejected, never coerced.
 */
export function parseRecordId(text: string): number | undefined {
  if (!/^[1-9]\d{0,9}$/.test(text)) return undefined;
  const id = Number(text);
  return id <= MAX_RECORD_ID ? id : undefined;
}
