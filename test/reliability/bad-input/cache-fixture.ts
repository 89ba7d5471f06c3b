import { randomBytes } from 'node:crypto';
import type { CacheService } from '@stash/cache';

/** What every bad call runs against: an entry, tagged, and a counter, stored before the call. */
export const EXISTING = { key: 'existing', value: { n: 1, name: 'kept' }, tag: 'recipes', ttl: 600 } as const;
export const COUNTER = { key: 'counter', value: 5 } as const;
/** The cache's `maxValueBytes` in these tests. */
export const MAX_VALUE_BYTES = 64 * 1024;

/** One call with bad input: the typed error it must throw, and what the message must name (argument and value). */
export interface BadCall {
  readonly boundary: string;
  readonly input: string;
  readonly call: (cache: CacheService) => Promise<unknown>;
  readonly error: abstract new (...args: never[]) => Error;
  readonly message: RegExp;
}

export type Row = readonly [input: string, call: BadCall['call'], error: BadCall['error'], message: RegExp];

export function rows(boundary: string, table: readonly Row[]): BadCall[] {
  return table.map(([input, call, error, message]) => ({ boundary, input, call, error, message }));
}

export function cyclic(): unknown {
  const node: Record<string, unknown> = { name: 'loop' };
  node.child = { parent: node };
  return node;
}

// Random bytes in base64 do not compress: over the limit however the value is stored.
export const overLimit = (bytes: number) => randomBytes(bytes).toString('base64');
export const loader = () => 'loaded';
