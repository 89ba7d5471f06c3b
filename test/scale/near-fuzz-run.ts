import { cookbookEnv } from '../support/cookbook-env.js';
import { CookbookProcess } from '../tools/cookbook-process.js';
import { startFuzzCookbook, type FuzzCookbook } from '../reliability/fuzz-cookbook.js';
import { findViolations, type ReadEvent, type VersionLedger } from '../reliability/fuzz-history.js';
import { LoopbackHttp } from '../reliability/fuzz-http.js';
import { createRecipePool } from '../reliability/fuzz-recipe-pool.js';
import type { RedisFaults } from '../reliability/fuzz-redis-faults.js';
import { runSeedLoop, type SeedLoopOptions } from '../reliability/fuzz-seed-loop.js';
import { checkWithinBound } from './near-fuzz-bound.js';

/** What a near-cache run measured over its seeds. */
export interface NearRunTotals {
  seeds: number;
  reads: number;
  /** Reads sent to the other instance (B), which learns of every write through the near cache's channel. */
  remoteReads: number;
  /** Reads answered from a cache (`X-Cache: HIT` or `STALE`), on A and on B. */
  cachedReads: number;
  remoteCachedReads: number;
  writes: number;
  /** Violations of reads on the writer's instance (A): the near cache's own writes must show at once. */
  localViolations: number;
  /** Violations of reads on B that the staleness bound does not explain (phantoms and unreadable ones included). */
  violationsBeyondBound: number;
  /** Stale reads on B within the bound: older than a write that returned less than the bound before they began. */
  staleWithinBound: number;
  /** The largest lag of a stale read on B: how long after the newer write returned it began, ms. */
  worstLagMs: number;
  violatingSeeds: number[];
  unexpectedErrors: string[];
  reports: string[];
  runMs: number;
  outOfTime: boolean;
}

/**
 * The invalidation race fuzzer (test/reliability/fuzz-*.ts) on two instances with the near cache on: A, the fuzzer's
 * in-process cookbook, takes every write (API, service and its own transactions); reads alternate between A and B,
 * a cookbook process of its own on the same database, Redis and key prefix. B hears of each write only through
 * the near cache's coherence channel, so a read on B may show the previous version for at most the near cache's
 * staleness bound after the write returned (`checkWithinBound`), and no longer. Reads on A get no allowance.
 */
export class NearFuzzRun {
  private constructor(
    private readonly app: FuzzCookbook,
    private readonly remote: CookbookProcess,
    private readonly remoteHttp: LoopbackHttp,
    private readonly redis: RedisFaults,
    private readonly pool: readonly number[],
    private readonly ledger: VersionLedger,
    private readonly cookie: string,
  ) {}

  static async start(redis: RedisFaults): Promise<NearFuzzRun> {
    const near = { CACHE_NEAR: '1' };
    const app = await startFuzzCookbook('postgres', 'near-fuzz', { redisUrl: redis.url, mode: 'real', env: near });
    let remote: CookbookProcess | undefined;
    try {
      const { pool, ledger } = await createRecipePool(app, 'Near fuzz recipe');
      remote = await CookbookProcess.start({
        label: 'near-fuzz-b',
        env: cookbookEnv(app.db, app.prefix, { REDIS_URL: redis.url, STASH_TEST_HOOKS: '1', ...near }),
      });
      const cookie = await app.signIn();
      return new NearFuzzRun(app, remote, new LoopbackHttp(remote.port), redis, pool, ledger, cookie);
    } catch (error) {
      await remote?.stop();
      await app.close();
      throw error;
    }
  }

  /** The other instance (B), for its `/__stash/stats` and `assertClean()`. */
  get remoteProcess(): CookbookProcess {
    return this.remote;
  }

  get errorLogs(): readonly string[] {
    return this.app.errorLogs;
  }

  /**
   * Runs `options.seeds` in order, stopping (and saying so) once `options.budgetMs` has passed; reads on B may be
   * stale for `staleBoundMs`.
   */
  async runSeeds(options: SeedLoopOptions, staleBoundMs: number): Promise<NearRunTotals> {
    const totals = emptyTotals();
    const reader = (op: number) => (isRemote(op) ? this.remoteHttp : this.app.http);
    const { app, redis, ledger, pool } = this;
    const loop = await runSeedLoop(
      { app, redis, ledger, pool, writerCookie: () => this.cookie, readerFor: reader },
      options,
      ({ seed, outcome }) => {
        const remoteReads = outcome.reads.filter((read) => isRemote(read.op));
        const local = findViolations(
          outcome.reads.filter((read) => !isRemote(read.op)),
          this.ledger,
        );
        const remote = checkWithinBound(remoteReads, this.ledger, staleBoundMs);
        totals.seeds++;
        totals.reads += outcome.reads.length;
        totals.remoteReads += remoteReads.length;
        totals.cachedReads += outcome.reads.filter(fromCache).length;
        totals.remoteCachedReads += remoteReads.filter(fromCache).length;
        totals.writes += outcome.writes.length;
        totals.localViolations += local.length;
        totals.violationsBeyondBound += remote.beyondBound.length;
        totals.staleWithinBound += remote.staleWithinBound;
        totals.worstLagMs = Math.max(totals.worstLagMs, remote.worstLagMs);
        totals.unexpectedErrors.push(...outcome.unexpectedErrors.map((error) => `seed ${seed}: ${error}`));
        return [...local, ...remote.beyondBound];
      },
    );
    return Object.assign(totals, loop);
  }

  async close(): Promise<void> {
    this.remoteHttp.close();
    try {
      await this.remote.stop();
    } finally {
      await this.app.close();
    }
  }
}

/** Odd ops go to B, even ones to A: each seed's reads are split between the instances. */
function isRemote(op: number): boolean {
  return op % 2 === 1;
}

function fromCache(read: ReadEvent): boolean {
  return read.cache === 'HIT' || read.cache === 'STALE';
}

function emptyTotals(): NearRunTotals {
  return {
    seeds: 0,
    reads: 0,
    remoteReads: 0,
    cachedReads: 0,
    remoteCachedReads: 0,
    writes: 0,
    localViolations: 0,
    violationsBeyondBound: 0,
    staleWithinBound: 0,
    worstLagMs: 0,
    violatingSeeds: [],
    unexpectedErrors: [],
    reports: [],
    runMs: 0,
    outOfTime: false,
  };
}
