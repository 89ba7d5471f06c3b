import type { TestDatabaseKind } from '../support/test-database.js';
import { waitFor } from '../support/redis-server.js';
import { startFuzzCookbook, type FuzzCookbook, type InvalidationMode } from './fuzz-cookbook.js';
import { findViolations, type VersionLedger } from './fuzz-history.js';
import { createRecipePool } from './fuzz-recipe-pool.js';
import type { RedisFaults } from './fuzz-redis-faults.js';
import type { FaultKind } from './fuzz-schedule.js';
import { runSeedLoop, type SeedLoopOptions } from './fuzz-seed-loop.js';

/** After a Redis fault, the app must take writes again within this (reconnect backoff, breaker cool-down). */
const RECOVERY_MS = 15_000;

/** What a run measured over all its seeds. */
export interface RunTotals {
  seeds: number;
  ops: number;
  reads: number;
  /** Reads answered from a cache (`X-Cache: HIT` or `STALE`): proof that the cache was in the way. */
  cachedReads: number;
  writes: number;
  committed: number;
  rolledBack: number;
  violations: number;
  violatingSeeds: number[];
  faultWriteErrors: number;
  unexpectedErrors: string[];
  seedsByFault: Record<FaultKind, number>;
  /** Time spent in seeds of each fault kind (recovery included), ms. */
  msByFault: Record<FaultKind, number>;
  faultedWrites: Record<Exclude<FaultKind, 'none'>, number>;
  /** Failing seeds, described (at most a few). */
  reports: string[];
  runMs: number;
  /** The run hit its time bound before its last seed. */
  outOfTime: boolean;
  /** Latency per read path and write path (`read api-recipe`, `write api`), ms. */
  latency: Record<string, { count: number; totalMs: number; maxMs: number }>;
}

/**
 * One cookbook (one database, one invalidation mode) and the seeds run against it, one after the other: a pool
 * of recipes created once, a ledger of their versions across seeds, the writer's session.
 */
export class FuzzRun {
  private cookie = '';
  private probeVersion = 0;

  private constructor(
    private readonly app: FuzzCookbook,
    private readonly redis: RedisFaults,
    private readonly pool: readonly number[],
    private readonly probeId: number,
    private readonly ledger: VersionLedger,
  ) {}

  static async start(kind: TestDatabaseKind, redis: RedisFaults, mode: InvalidationMode): Promise<FuzzRun> {
    const app = await startFuzzCookbook(kind, `fuzz-${mode}`, { redisUrl: redis.url, mode });
    try {
      const { pool, ledger } = await createRecipePool(app, 'Fuzz recipe');
      const probe = await app.writes.create({ name: 'Fuzz recovery probe', description: 'probe 0' });
      const run = new FuzzRun(app, redis, pool, probe.id, ledger);
      run.cookie = await app.signIn();
      return run;
    } catch (error) {
      await app.close();
      throw error;
    }
  }

  /** Error lines the app logged so far. */
  get errorLogs(): readonly string[] {
    return this.app.errorLogs;
  }

  /** Runs `options.seeds` in order, stopping (and saying so) once `options.budgetMs` has passed. */
  async runSeeds(options: SeedLoopOptions): Promise<RunTotals> {
    const totals = emptyTotals();
    const loop = await runSeedLoop(
      { app: this.app, redis: this.redis, ledger: this.ledger, pool: this.pool, writerCookie: () => this.cookie },
      options,
      async ({ seed, plan, outcome, startedAt }) => {
        if (plan.fault === 'pause-write' || plan.fault === 'redis-kill') await this.recover();
        const violations = findViolations(outcome.reads, this.ledger);
        totals.seeds++;
        totals.ops += plan.ops.length;
        totals.reads += outcome.reads.length;
        totals.cachedReads += outcome.reads.filter((read) => read.cache === 'HIT' || read.cache === 'STALE').length;
        totals.writes += outcome.writes.length;
        totals.committed += outcome.writes.filter((write) => write.outcome === 'committed').length;
        totals.rolledBack += outcome.writes.filter((write) => write.outcome === 'rolled-back').length;
        totals.faultWriteErrors += outcome.faultWriteErrors;
        totals.unexpectedErrors.push(...outcome.unexpectedErrors.map((error) => `seed ${seed}: ${error}`));
        totals.seedsByFault[plan.fault]++;
        totals.msByFault[plan.fault] += performance.now() - startedAt;
        for (const read of outcome.reads) addLatency(totals, `read ${read.path}`, read.endedAt - read.startedAt);
        for (const write of outcome.writes)
          addLatency(totals, `write ${write.path}`, (write.endedAt ?? write.startedAt) - write.startedAt);
        for (const op of plan.ops) if (op.kind === 'write' && op.fault) totals.faultedWrites[op.fault.kind]++;
        totals.violations += violations.length;
        return violations;
      },
    );
    return Object.assign(totals, loop);
  }

  async close(): Promise<void> {
    await this.app.close();
  }

  /**
   * After a Redis fault: the server is back, and the app takes a signed-in write again (sessions, the rate limit
   * and the invalidation all reach Redis) with nothing left pending, so the next seed starts on a healthy app.
   * A kill lost every session: the writer signs in again.
   */
  private async recover(): Promise<void> {
    let signIn = this.redis.killedSinceSettle;
    await this.redis.settle();
    await waitFor(
      async () => {
        if (signIn || this.cookie === '') {
          this.cookie = await this.app.signIn().catch(() => '');
          signIn = false;
        }
        if (this.cookie === '') return false;
        const answer = await this.app.http
          .send('PATCH', `/api/recipes/${this.probeId}`, {
            body: { description: `probe ${++this.probeVersion}` },
            cookie: this.cookie,
          })
          .catch(() => undefined);
        if (answer?.status === 401 || answer?.status === 403) this.cookie = '';
        return answer?.status === 200 && this.app.cache.stats().invalidationsPending === 0;
      },
      RECOVERY_MS,
      'the cookbook did not take writes again after the Redis fault',
    );
  }
}

function emptyTotals(): RunTotals {
  return {
    seeds: 0,
    ops: 0,
    reads: 0,
    cachedReads: 0,
    writes: 0,
    committed: 0,
    rolledBack: 0,
    violations: 0,
    violatingSeeds: [],
    faultWriteErrors: 0,
    unexpectedErrors: [],
    seedsByFault: { none: 0, rollback: 0, savepoint: 0, 'pause-write': 0, 'redis-kill': 0 },
    msByFault: { none: 0, rollback: 0, savepoint: 0, 'pause-write': 0, 'redis-kill': 0 },
    faultedWrites: { rollback: 0, savepoint: 0, 'pause-write': 0, 'redis-kill': 0 },
    reports: [],
    runMs: 0,
    outOfTime: false,
    latency: {},
  };
}

function addLatency(totals: RunTotals, name: string, ms: number): void {
  const entry = (totals.latency[name] ??= { count: 0, totalMs: 0, maxMs: 0 });
  entry.count++;
  entry.totalMs += ms;
  entry.maxMs = Math.max(entry.maxMs, ms);
}
