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

/** The command timeout of the caches under failover tests. */
export const FAILOVER_COMMAND_TIMEOUT_MS = 250;
const SLACK_MS = 250;

/**
 * The longest each operation may take while a master fails over: get/set/getMany pay at most one command timeout;
 * getOrSet may pay two (its read, then its write) before the breaker opens. The slack covers scheduling on a
 * two-core machine shared with the topology's processes.
 */
export const FAILOVER_BOUNDS_MS = {
  get: FAILOVER_COMMAND_TIMEOUT_MS + SLACK_MS,
  set: FAILOVER_COMMAND_TIMEOUT_MS + SLACK_MS,
  getMany: FAILOVER_COMMAND_TIMEOUT_MS + SLACK_MS,
  getOrSet: 2 * FAILOVER_COMMAND_TIMEOUT_MS + SLACK_MS,
};
