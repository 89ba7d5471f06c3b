import type { LoadReport } from './cache-load.js';

/** Checks a load report against the fail-open guarantees; returns the figures worth printing. */
export function expectFailOpenWithin(report: LoadReport, boundMs: Record<string, number>): Record<string, number> {
  expect(report.wrongValues).toEqual([]);
  expect(report.thrown).toEqual([]);
  const figures: Record<string, number> = {};
  for (const [op, latency] of Object.entries(report.latency)) {
    // The op and the slowest call are in the expectation, so a failure names them.
    expect({ op, maxMs: latency.maxMs, withinBound: latency.maxMs <= boundMs[op]! }).toMatchObject({
      op,
      withinBound: true,
    });
    figures[`${op}P99Ms`] = latency.p99Ms;
    figures[`${op}MaxMs`] = latency.maxMs;
  }
  return figures;
}

/** Prints measured figures on one line, for the docs (`docs/scaling.md`). */
export function printFigures(label: string, figures: Record<string, unknown>): void {
  process.stdout.write(`${label}: ${JSON.stringify(figures)}\n`);
}

/** Latency options of the caches under failover tests: a short command timeout and fill-lock wait. */
export const FAILOVER_CACHE_OPTIONS = { commandTimeout: 250, stampede: { lockWait: 0.5 } } as const;
const SLACK_MS = 250;
const { commandTimeout } = FAILOVER_CACHE_OPTIONS;

/**
 * The longest each operation may take while a master fails over: get/set/getMany pay at most one command timeout.
 * getOrSet may pay two (its read, then its write) before the breaker opens, and may also wait `lockWait` for a fill
 * lock whose release was lost with the old master (the lock was replicated, the DEL was not). The slack covers
 * scheduling on a two-core machine shared with the topology's processes.
 */
export const FAILOVER_BOUNDS_MS = {
  get: commandTimeout + SLACK_MS,
  set: commandTimeout + SLACK_MS,
  getMany: commandTimeout + SLACK_MS,
  getOrSet: 2 * commandTimeout + FAILOVER_CACHE_OPTIONS.stampede.lockWait * 1000 + SLACK_MS,
};
