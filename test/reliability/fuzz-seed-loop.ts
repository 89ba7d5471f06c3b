import type { Violation } from './fuzz-history.js';
import { RecordLocks } from './fuzz-record-locks.js';
import { describeFailingSeed } from './fuzz-report.js';
import { planSeed, type FaultWeights, type SeedPlan } from './fuzz-schedule.js';
import { executeSeed, type SeedContext, type SeedOutcome } from './fuzz-seed-execution.js';

const MAX_REPORTS = 3;

/** Which seeds a loop runs, with which faults, within what time, and the test named in a failing seed's replay. */
export interface SeedLoopOptions {
  readonly seeds: readonly number[];
  readonly faults: FaultWeights;
  /** Past this, no further seed starts, ms. */
  readonly budgetMs: number;
  readonly testName: string;
}

/** One seed the loop ran. */
export interface SeedRun {
  readonly seed: number;
  readonly plan: SeedPlan;
  readonly outcome: SeedOutcome;
  /** `performance.now()` before the seed was planned. */
  readonly startedAt: number;
}

/** What the loop itself records: the failing seeds (a few described), its duration, whether it ran out of time. */
export interface SeedLoopResult {
  violatingSeeds: number[];
  reports: string[];
  runMs: number;
  outOfTime: boolean;
}

/**
 * Runs `seeds` in order on the run's app, Redis, ledger and recipes (with record locks of the loop's own), each
 * with its planned loader delay, stopping (and saying so) once `budgetMs` has passed. `tally` counts each seed into
 * the caller's totals and returns the seed's violations.
 */
export async function runSeedLoop(
  run: Omit<SeedContext, 'locks'>,
  { seeds, faults, budgetMs, testName }: SeedLoopOptions,
  tally: (seedRun: SeedRun) => readonly Violation[] | Promise<readonly Violation[]>,
): Promise<SeedLoopResult> {
  const context: SeedContext = { ...run, locks: new RecordLocks() };
  const started = performance.now();
  const result: SeedLoopResult = { violatingSeeds: [], reports: [], runMs: 0, outOfTime: false };
  for (const seed of seeds) {
    if (performance.now() - started > budgetMs) {
      result.outOfTime = true;
      break;
    }
    const startedAt = performance.now();
    const plan = planSeed(seed, context.pool.length, faults);
    context.app.setLoaderDelay(plan.loaderDelayMs);
    const outcome = await executeSeed(context, plan);
    const violations = await tally({ seed, plan, outcome, startedAt });
    if (violations.length > 0) {
      result.violatingSeeds.push(seed);
      if (result.reports.length < MAX_REPORTS) result.reports.push(describeFailingSeed(outcome, violations, testName));
    }
  }
  result.runMs = performance.now() - started;
  return result;
}
