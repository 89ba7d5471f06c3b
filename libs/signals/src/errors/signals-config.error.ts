import { describeValue } from './describe-value.js';
import { SignalsError } from './signals.error.js';

/** Thrown at bootstrap (or when a decorator is applied) for a missing, unknown or malformed option. */
export class SignalsConfigError extends SignalsError {
  constructor(
    /** Dotted path of the offending option, e.g. `mappings[1].tags`. */
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`Invalid signals option "${option}": got ${describeValue(value)}; expected ${expected}.`);
  }
}
