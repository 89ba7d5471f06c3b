import { SeededRandom } from './fuzz-random.js';

/** How a read reaches a recipe: the JSON API's read-through (`getOrSet`) or a `@CachePage` page. */
export type ReadPath = 'api-recipe' | 'api-list' | 'page-recipe' | 'page-index';

/**
 * How a write reaches the database: `PATCH /api/recipes/:id` (signed in), the cookbook's `RecipeWritesService`
 * in process, or a transaction of the test's own on the app's `TransactionRunner` and `EntityManager`.
 */
export type WritePath = 'api' | 'service' | 'manager';

export type FaultKind = 'none' | 'rollback' | 'savepoint' | 'pause-write' | 'redis-kill';

/** What a faulted write does (always a `manager` write, so that the fault sits inside its transaction). */
export type WriteFault =
  /** The transaction writes the recipe, holds `holdMs`, then throws: everything rolls back. */
  | { readonly kind: 'rollback'; readonly holdMs: number }
  /**
   * The outer transaction writes its recipe and commits; a nested transaction (a savepoint) writes `inner` (the
   * same recipe or another one of the seed) and rolls back to the savepoint.
   */
  | { readonly kind: 'savepoint'; readonly inner: number }
  /** `CLIENT PAUSE <pauseMs> WRITE` just before the COMMIT: the after-commit invalidation meets the pause. */
  | { readonly kind: 'pause-write'; readonly pauseMs: number }
  /**
   * Redis is killed (SIGKILL) just before the COMMIT (`killDelayMs` 0, awaited) or racing it (a timer of
   * `killDelayMs` started as the transaction returns), and restarted `restartAfterMs` after the write returned.
   */
  | { readonly kind: 'redis-kill'; readonly killDelayMs: number; readonly restartAfterMs: number };

export interface ReadOp {
  readonly kind: 'read';
  readonly path: ReadPath;
  /** Index into the seed's records (list reads observe every record). */
  readonly record: number;
  /** Workload jitter before the op starts, ms. */
  readonly jitterMs: number;
}

export interface WriteOp {
  readonly kind: 'write';
  readonly path: WritePath;
  readonly record: number;
  readonly jitterMs: number;
  readonly fault?: WriteFault;
}

export type FuzzOp = ReadOp | WriteOp;

/** One seed's schedule: which records, how many workers, which operations in which order, which fault. */
export interface SeedPlan {
  readonly seed: number;
  /**
   * Each cached read's database read waits a random 0 to this many ms first: no delay tries tight timings, a long
   * one keeps flights and loaders open across writes (the stale-set window).
   */
  readonly loaderDelayMs: number;
  /** Indexes into the run's pool of recipes. */
  readonly records: readonly number[];
  readonly concurrency: number;
  readonly fault: FaultKind;
  readonly ops: readonly FuzzOp[];
}

/** The mix of faults a run draws from (weights, not probabilities). */
export type FaultWeights = Readonly<Record<FaultKind, number>>;

// Pauses and kills cost most (a pause runs out, a restarted Redis is reconnected to): fewer of them.
export const REAL_MODE_FAULTS: FaultWeights = {
  none: 42,
  rollback: 18,
  savepoint: 18,
  'pause-write': 13,
  'redis-kill': 9,
};

export const NO_FAULTS: FaultWeights = { none: 1, rollback: 0, savepoint: 0, 'pause-write': 0, 'redis-kill': 0 };

const READ_PATHS: Readonly<Record<ReadPath, number>> = {
  'api-recipe': 35,
  'page-recipe': 30,
  'page-index': 20,
  'api-list': 15,
};
const WRITE_PATHS: Readonly<Record<WritePath, number>> = { api: 40, service: 30, manager: 30 };

/** The loader delays a seed draws from, ms. */
export const LOADER_DELAYS_MS: readonly number[] = [0, 4, 12, 25];

/** Bounds of one seed: a few records, 10 to 30 operations, 3 to 6 workers. */
export const SEED_BOUNDS = { minRecords: 2, maxRecords: 4, minOps: 10, maxOps: 30, minWorkers: 3, maxWorkers: 6 };

/**
 * Draws one seed's schedule from `poolSize` recipes. About a third of the operations are writes; a seed with a
 * rollback or savepoint fault makes one to three of its writes faulted, a Redis fault (expensive: a pause, a
 * restart) exactly one.
 */
export function planSeed(seed: number, poolSize: number, faults: FaultWeights): SeedPlan {
  const random = new SeededRandom(seed);
  const recordCount = random.int(SEED_BOUNDS.minRecords, Math.min(SEED_BOUNDS.maxRecords, poolSize));
  const records = random.sample(
    Array.from({ length: poolSize }, (_, i) => i),
    recordCount,
  );
  const concurrency = random.int(SEED_BOUNDS.minWorkers, SEED_BOUNDS.maxWorkers);
  const opCount = random.int(SEED_BOUNDS.minOps, SEED_BOUNDS.maxOps);
  const fault = random.weighted(faults);
  const loaderDelayMs = random.pick(LOADER_DELAYS_MS);
  const ops: FuzzOp[] = [];
  for (let i = 0; i < opCount; i++) {
    const record = random.int(0, recordCount - 1);
    const jitterMs = random.int(0, 6);
    if (random.chance(0.32)) ops.push({ kind: 'write', path: random.weighted(WRITE_PATHS), record, jitterMs });
    else ops.push({ kind: 'read', path: random.weighted(READ_PATHS), record, jitterMs });
  }
  // Every seed writes at least once, and its fault (if any) rides on writes placed after a few reads.
  if (!ops.some((op) => op.kind === 'write')) {
    ops[random.int(1, ops.length - 1)] = { kind: 'write', path: 'api', record: 0, jitterMs: 0 };
  }
  if (fault !== 'none') {
    const writes = ops.flatMap((op, index) => (op.kind === 'write' ? [index] : []));
    const faulted = fault === 'rollback' || fault === 'savepoint' ? random.int(1, Math.min(3, writes.length)) : 1;
    for (const index of random.sample(writes, faulted)) {
      const op = ops[index] as WriteOp;
      ops[index] = { ...op, path: 'manager', fault: drawFault(random, fault, recordCount) };
    }
  }
  return { seed, loaderDelayMs, records, concurrency, fault, ops };
}

function drawFault(random: SeededRandom, kind: Exclude<FaultKind, 'none'>, recordCount: number): WriteFault {
  switch (kind) {
    case 'rollback':
      return { kind, holdMs: random.int(0, 3) };
    case 'savepoint':
      return { kind, inner: random.int(0, recordCount - 1) };
    case 'pause-write':
      // Below and above the cache's 500 ms command timeout: a DEL that waits, and one that times out and is retried.
      return { kind, pauseMs: random.int(120, 650) };
    case 'redis-kill':
      return { kind, killDelayMs: random.pick([0, 0, 1, 2, 4]), restartAfterMs: random.int(20, 150) };
  }
}

/** A faulted write's fault, as traces print it. */
export function describeFault(fault: WriteFault): string {
  switch (fault.kind) {
    case 'rollback':
      return 'rolled back';
    case 'savepoint':
      return 'commits around a savepoint that rolls back';
    case 'pause-write':
      return `CLIENT PAUSE ${fault.pauseMs} WRITE before the COMMIT`;
    case 'redis-kill': {
      const when = fault.killDelayMs ? `${fault.killDelayMs} ms after` : 'before';
      return `SIGKILL ${when} the COMMIT, restart ${fault.restartAfterMs} ms later`;
    }
  }
}
