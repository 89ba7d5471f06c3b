import type { TransformFnParams } from 'class-transformer';

/** class-transformer `@Transform` for text fields: surrounding whitespace dropped, anything else left as is. */
export function trimmed({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? value.trim() : value;
}
