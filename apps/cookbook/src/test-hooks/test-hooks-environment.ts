import type { TestHooksConfig } from '../config/cookbook-config.interface.js';

/** Turns the test hooks on with `1` (`0` or unset: off). Never accepted with NODE_ENV=production. */
export const TEST_HOOKS_VARIABLE = 'STASH_TEST_HOOKS';
/** Milliseconds every cache loader and cached page handler waits before reading the database (test hooks only). */
export const LOADER_DELAY_VARIABLE = 'STASH_TEST_LOADER_DELAY_MS';
/** The longest loader delay accepted, in milliseconds. */
export const MAX_LOADER_DELAY_MS = 60_000;

type Environment = Readonly<Record<string, string | undefined>>;

/** Whether the environment asks for the test hooks: the condition the app registers `TestHooksModule` on. */
export function testHooksRequested(env: Environment): boolean {
  return env[TEST_HOOKS_VARIABLE] === '1';
}

/**
 * Reads and validates the test hooks' variables; each problem is pushed to `problems` in the form of the other
 * variables' (`NAME="value" is not accepted: expected ...`).
 * @param nodeEnv NODE_ENV as set (the hooks are refused with `production`).
 * @returns the hooks' settings, or undefined when they are off (or refused).
 */
export function readTestHooks(
  env: Environment,
  nodeEnv: string | undefined,
  problems: string[],
): TestHooksConfig | undefined {
  const switchValue = env[TEST_HOOKS_VARIABLE] || '0';
  const delayValue = env[LOADER_DELAY_VARIABLE] || undefined;
  const refuse = (name: string, value: string, expected: string): undefined => {
    problems.push(`${name}=${JSON.stringify(value)} is not accepted: expected ${expected}.`);
    return undefined;
  };
  if (switchValue !== '0' && switchValue !== '1') {
    return refuse(TEST_HOOKS_VARIABLE, switchValue, '"1" (on) or "0" (off, the default)');
  }
  if (switchValue === '1' && nodeEnv === 'production') {
    return refuse(
      TEST_HOOKS_VARIABLE,
      switchValue,
      'it unset with NODE_ENV=production: the test hooks (a loader delay, GET /__stash/stats) are for tests only',
    );
  }
  if (switchValue === '0') {
    return delayValue === undefined
      ? undefined
      : refuse(LOADER_DELAY_VARIABLE, delayValue, `it unset unless ${TEST_HOOKS_VARIABLE}=1`);
  }
  if (delayValue === undefined) return Object.freeze({ loaderDelayMs: 0 });
  const delay = /^\d+$/.test(delayValue) ? Number(delayValue) : Number.NaN;
  if (!(delay <= MAX_LOADER_DELAY_MS)) {
    return refuse(LOADER_DELAY_VARIABLE, delayValue, `a whole number of milliseconds from 0 to ${MAX_LOADER_DELAY_MS}`);
  }
  return Object.freeze({ loaderDelayMs: delay });
}
