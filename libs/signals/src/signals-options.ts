import { SignalsConfigError } from './errors/signals-config.error.js';

/**
 * Options of `SignalsModule.forRoot`. There are none yet besides the `isGlobal` extra: signals are
 * process-global objects, and the module only discovers `@Receiver` methods. Unknown keys are refused.
 */
export type SignalsModuleOptions = Record<never, never>;

/** `SignalsModule` options after validation (frozen). */
export type ResolvedSignalsOptions = Readonly<Record<never, never>>;

export function resolveSignalsOptions(raw: SignalsModuleOptions | undefined): ResolvedSignalsOptions {
  if (raw === undefined) return Object.freeze({});
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SignalsConfigError('(options)', raw, 'an object');
  }
  for (const [key, value] of Object.entries(raw)) {
    throw new SignalsConfigError(key, value, 'no such option (SignalsModule.forRoot accepts only isGlobal)');
  }
  return Object.freeze({});
}
