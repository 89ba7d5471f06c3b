import { CacheKeyArgumentError } from '../errors/cache-key-argument.error.js';

/**
 * How values become key text.
 *
 * - `typed` (method arguments): `1`, `"1"`, `1n`, `true`, `null` and `undefined` all differ, since a method may
 *   treat them differently. Dates are `Date(<ISO>)`.
 * - `text` (fragment vary-on values, as Django's `str(arg)`): numbers, BigInts, booleans and Dates count as their
 *   text (`42` and `"42"` share a fragment; a Date as its ISO string); `null` and `undefined` are one "no value",
 *   distinct from the string `"null"`.
 *
 * In both, strings are JSON-quoted and lists bracketed, so value boundaries survive (`["a:b"]` is not
 * `["a","b"]`); plain objects are written with their keys sorted, so key order does not matter.
 */
export type KeyValueMode = 'typed' | 'text';

/** Names what a key is built for, for the error a bad value raises. */
export interface KeyValueTarget {
  /** `RecipesService.find`, `fragment "sidebar"`. */
  readonly target: string;
  /** What one element of the list is called: `argument`, `vary-on value`. */
  readonly element: string;
  /** How to fix it. */
  readonly hint: string;
}

/** Why a value cannot be part of a key, and where in it. */
class Unkeyable {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {}
}

/**
 * Serialises a list of values to a stable, unambiguous string.
 * @throws CacheKeyArgumentError for functions, symbols, cycles, invalid Dates and class instances other than Date.
 */
export function serializeKeyValues(values: readonly unknown[], mode: KeyValueMode, site: KeyValueTarget): string {
  const ancestors = new Set<object>();
  const parts = values.map((value, index) => {
    try {
      return serialize(value, mode, ancestors, `${site.element} ${index}`);
    } catch (error) {
      if (!(error instanceof Unkeyable)) throw error;
      throw new CacheKeyArgumentError(site.target, index, error.path, error.reason, site.hint);
    }
  });
  return `[${parts.join(',')}]`;
}

function serialize(value: unknown, mode: KeyValueMode, ancestors: Set<object>, path: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'bigint':
    case 'boolean': {
      if (mode === 'text') return JSON.stringify(String(value));
      // NaN, Infinity and -Infinity stay distinct tokens; strings are quoted, so none can collide with one.
      return typeof value === 'bigint' ? `${value}n` : String(value);
    }
    case 'undefined':
      return mode === 'text' ? 'null' : 'undefined';
    case 'function':
      throw new Unkeyable(path, 'is a function');
    case 'symbol':
      throw new Unkeyable(path, 'is a symbol');
    default:
      return serializeObject(value as object | null, mode, ancestors, path);
  }
}

function serializeObject(value: object | null, mode: KeyValueMode, ancestors: Set<object>, path: string): string {
  if (value === null) return 'null';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Unkeyable(path, 'is an invalid Date');
    return mode === 'text' ? JSON.stringify(value.toISOString()) : `Date(${value.toISOString()})`;
  }
  if (ancestors.has(value)) throw new Unkeyable(path, 'is a circular reference');
  const isArray = Array.isArray(value);
  const prototype: unknown = Object.getPrototypeOf(value);
  if (!isArray && prototype !== Object.prototype && prototype !== null) {
    throw new Unkeyable(path, `is a ${describeInstance(value)} (only plain objects, arrays and Dates can be keyed)`);
  }
  ancestors.add(value);
  try {
    if (isArray) {
      // Array.from turns holes into undefined, so [ , 1] and [undefined, 1] are the same call.
      const items = Array.from(value as unknown[], (item, i) => serialize(item, mode, ancestors, `${path}[${i}]`));
      return `[${items.join(',')}]`;
    }
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${serialize(record[name], mode, ancestors, propertyPath(path, name))}`);
    return `{${fields.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

function describeInstance(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name ? `${name} instance` : 'class instance';
}

function propertyPath(path: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}
