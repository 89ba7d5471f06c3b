import { CacheError } from './cache.error.js';

/** Thrown at bootstrap when a cache option is missing, unknown or out of range. */
export class CacheConfigError extends CacheError {
  constructor(
    /** Dotted path of the offending option, e.g. `caches.sessions.defaultTtl`. */
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`Invalid cache option "${option}": got ${describe(value)}; expected ${expected}.`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
