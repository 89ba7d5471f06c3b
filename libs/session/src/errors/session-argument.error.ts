import { SessionError } from './session.error.js';

/** Thrown when an argument of a `SessionService` call is out of range (a user id, an expiry). */
export class SessionArgumentError extends SessionError {
  constructor(
    readonly operation: string,
    readonly argument: string,
    value: unknown,
    expected: string,
  ) {
    super(`${operation}: invalid ${argument} ${describe(value)}; expected ${expected}.`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()})`;
  return String(value);
}
