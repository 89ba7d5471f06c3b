import type { LoadReport } from './cache-load.js';

/** Checks a load report against the fail-open guarantees; returns the figures worth printing. */
export function expectFailOpenWithin(report: LoadReport, boundMs: Record<string, number>): Record<string, number> {
  expect(report.wrongValues).toEqual([]);
  expect(report.thrown).toEqual([]);
  const figures: Record<string, number> = {};
  for (const [op, latency] of Object.entries(report.latency)) {
    // The op is in the expectation so a failure names it.
    expect({ op, maxMs: latency.maxMs <= boundMs[op] }).toEqual({ op, maxMs: true });
    figures[`${op}P99Ms`] = latency.p99Ms;
    figures[`${op}MaxMs`] = latency.maxMs;
  }
  return figures;
}

/** Prints measured figures on one line, for the docs (`docs/scaling.md`). */
export function printFigures(label: string, figures: Record<string, unknown>): void {
  process.stdout.write(`${label}: ${JSON.stringify(figures)}\n`);
}
