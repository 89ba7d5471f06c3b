import { waitFor } from '../../../../test/support/redis-server.js';
import { expectFailOpenWithin, FAILOVER_BOUNDS_MS, printFigures } from './failover-figures.js';
import type { LoadedCache } from './failover-suite.js';

/** A loaded cache whose Redis has just failed over. */
export interface FailedOver extends LoadedCache {
  /** Printed with the figures. */
  readonly label: string;
  /** The keys whose hits must come back. */
  readonly keys: readonly string[];
  /** `performance.now()` when the fault began. */
  readonly startedAt: number;
  /** From the fault to the new master's promotion, ms. */
  readonly failoverMs: number;
  /** What the failure says when the hits do not come back. */
  readonly notRecovered: string;
}

/**
 * Waits (10 s at most) until every one of `keys` was read back after the promotion and the breaker is closed,
 * stops the load, checks it against `FAILOVER_BOUNDS_MS` and prints the figures.
 */
export async function expectRecoveryWithinBounds(run: FailedOver): Promise<void> {
  const { cache, load, startedAt, failoverMs } = run;
  await waitFor(
    () => load.hitSince(run.keys, startedAt + failoverMs) && cache.stats().breaker === 'closed',
    10_000,
    run.notRecovered,
  );
  const recoveryMs = performance.now() - startedAt;
  const report = await load.stop();

  const figures = expectFailOpenWithin(report, FAILOVER_BOUNDS_MS);
  printFigures(run.label, {
    failoverMs: Math.round(failoverMs),
    recoveryMs: Math.round(recoveryMs),
    calls: report.calls,
    faults: cache.stats().errors,
    olderValues: report.olderValues,
    ...figures,
  });
}
