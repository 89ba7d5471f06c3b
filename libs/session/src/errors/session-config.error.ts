import { SessionError } from './session.error.js';

/** Thrown at bootstrap when a `SessionModule` option is missing, unknown or out of range. */
export class SessionConfigError extends SessionError {
  constructor(
    /** Dotted path of the offending option, e.g. `cookie.sameSite`. */
    readonly option: string,
    value: unknown,
    expected: string,
  ) {
    super(`Invalid session option "${option}": got ${describe(option, value)}; expected ${expected}.`);
  }
}

function describe(option: string, value: unknown): string {
  // Never echo a secret into logs: say what it looks like instead.
  if (option === 'secret' || option.startsWith('secret[')) {
    return typeof value === 'string' ? `a string of ${value.length} characters` : typeName(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && value.constructor !== Object) {
    return `an instance of ${value.constructor?.name ?? 'an unknown class'}`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function typeName(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
