/** One loader run of a stampede worker (stampede-worker.main.ts), on the machine's clock (epoch milliseconds). */
export interface LoaderRun {
  readonly pid: number;
  readonly key: string;
  readonly value: string;
  readonly startedAt: number;
  readonly endedAt?: number;
}

/** What `GET /runs` of a worker answers. */
export interface WorkerRuns {
  readonly pid: number;
  readonly runs: readonly LoaderRun[];
  /** Unhandled rejections and uncaught exceptions the worker saw. */
  readonly problems: readonly string[];
}

/** The loader runs of one key in every worker, laid side by side. */
export interface MergedRuns {
  /** Sorted by start. */
  readonly all: readonly LoaderRun[];
  readonly total: number;
  readonly ended: number;
  readonly running: number;
  /** Processes that ran the loader. */
  readonly pids: ReadonlySet<number>;
  /** Pairs of runs that were in flight at the same time (a run still going counts as going on forever). */
  readonly overlaps: readonly (readonly [string, string])[];
  /** The shortest time between the end of one run and the start of the next, in milliseconds. */
  readonly smallestGapMs: number;
  readonly problems: readonly string[];
}

/** Merges the runs of `key` reported by each worker. */
export function mergeRuns(workers: readonly WorkerRuns[], key: string): MergedRuns {
  const all = workers.flatMap((worker) => worker.runs.filter((run) => run.key === key));
  all.sort((a, b) => a.startedAt - b.startedAt);
  const overlaps: [string, string][] = [];
  let smallestGapMs = Infinity;
  all.forEach((run, i) => {
    for (const later of all.slice(i + 1)) {
      if (later.startedAt < (run.endedAt ?? Infinity)) overlaps.push([run.value, later.value]);
    }
    const next = all[i + 1];
    if (next && run.endedAt !== undefined) smallestGapMs = Math.min(smallestGapMs, next.startedAt - run.endedAt);
  });
  const ended = all.filter((run) => run.endedAt !== undefined).length;
  return {
    all,
    total: all.length,
    ended,
    running: all.length - ended,
    pids: new Set(all.map((run) => run.pid)),
    overlaps,
    smallestGapMs,
    problems: workers.flatMap((worker) => worker.problems),
  };
}
