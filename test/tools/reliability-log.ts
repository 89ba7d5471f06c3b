import { appendFileSync } from 'node:fs';

/** The environment variable naming the file that reliability scenarios append their measured figures to. */
export const RELIABILITY_LOG_ENV = 'STASH_RELIABILITY_LOG';

/**
 * Appends one measured result of a reliability scenario as a JSON line to the file named by
 * `$STASH_RELIABILITY_LOG`, so that the figures in docs/reliability.md come from a command anyone can re-run.
 * Does nothing when the variable is unset (a plain `npm test`).
 */
export function recordResult(
  scenario: string,
  testCase: string,
  figures: Readonly<Record<string, number | string | boolean>>,
): void {
  const file = process.env[RELIABILITY_LOG_ENV];
  if (!file) return;
  const rounded = Object.fromEntries(
    Object.entries(figures).map(([name, value]) => [name, typeof value === 'number' ? round(value) : value]),
  );
  appendFileSync(file, `${JSON.stringify({ scenario, case: testCase, at: new Date().toISOString(), ...rounded })}\n`);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
