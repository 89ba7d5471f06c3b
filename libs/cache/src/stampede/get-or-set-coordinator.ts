import type { CacheEntry } from '../codec/cache-entry.js';
import type { CacheContext } from '../entries/cache-context.js';
import type { InProcessSizes } from '../in-process-sizes.js';
import { EntryIO, type ReadOutcome } from '../entries/entry-io.js';
import { errorMessage } from '../errors/error-message.js';
import { CallGuard } from '../faults/call-guard.js';
import { GetOrSetAttempt, served, type Served } from './get-or-set-attempt.js';
import type { GetOrSetOptions } from './get-or-set-options.interface.js';
import { planGetOrSet, type GetOrSetPlan as Plan } from './get-or-set-plan.js';
import { shouldRefreshEarly, type Loader } from './run-loader.js';

/** How long `close()` waits for aborted background refreshes to settle before releasing the connection. */
const DRAIN_TIMEOUT_MS = 5_000;

/** A read-or-fill in progress for one stored key, shared by the callers that arrive while it runs. */
interface Flight {
  readonly served: Promise<Served<unknown>>;
  /** Where the process's sequence of tag invalidations stood when the flight started. */
  readonly pendingMark: number;
  /**
   * One check, after the flight settles, that its tags were not invalidated while callers joined it; undefined
   * when Redis could not tell.
   */
  stillValid?: Promise<boolean | undefined>;
}

/**
 * `getOrSet` with stampede protection. In one process, concurrent calls for a key share one read and one
 * loader run. Across processes, a short Redis lock lets one process compute while the others poll (bounded by
 * `stampede.lockWait`) or are served the previous value. Tag tokens are captured before the loader starts, so
 * a value computed from data that an invalidation superseded is stored already invalid; callers that joined a
 * flight re-check its tokens once it settles, so none of them gets a value invalidated before it arrived.
 * Each read-or-fill stops talking to Redis at its first connectivity fault (`GetOrSetAttempt`), and its joiners
 * do not pay a second command timeout to re-check it.
 */
export class GetOrSetCoordinator {
  private readonly flights = new Map<string, Flight>();
  private readonly refreshes = new Map<string, Promise<void>>();
  private readonly closing = new AbortController();

  constructor(private readonly context: CacheContext) {}

  run<T>(key: string, loader: Loader<T>, options: GetOrSetOptions = {}): Promise<T> {
    const plan = planGetOrSet(this.context, key, loader, options);
    const existing = this.flights.get(plan.storedKey);
    if (existing) return this.join(existing, plan, true);
    return this.start(plan).then((served) => served.value as T);
  }

  /** One flight per key with a read-or-fill in progress, one refresh per key refreshing in the background. */
  inProcessSizes(): InProcessSizes {
    return {
      getOrSetFlights: { size: this.flights.size, max: null },
      backgroundRefreshes: { size: this.refreshes.size, max: null },
    };
  }

  /**
   * On shutdown: aborts the signals of background refresh loaders (a refresh then settles at once, even if its
   * loader ignores the signal), starts no new ones, and waits at most `timeoutMs` for their last Redis calls.
   */
  async drain(timeoutMs = DRAIN_TIMEOUT_MS): Promise<void> {
    this.closing.abort();
    if (this.refreshes.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    const settled = Promise.allSettled([...this.refreshes.values()]).then(() => false);
    if (await Promise.race([settled, timedOut])) {
      const { logger, options } = this.context;
      logger.warn(`Cache "${options.name}": background refreshes still running after ${timeoutMs} ms; closing anyway.`);
    }
    clearTimeout(timer);
  }

  private start<T>(plan: Plan<T>): Promise<Served<unknown>> {
    const flight: Flight = {
      pendingMark: this.context.pending.mark,
      served: this.readOrFill(plan).finally(() => {
        if (this.flights.get(plan.storedKey) === flight) this.flights.delete(plan.storedKey);
      }),
    };
    this.flights.set(plan.storedKey, flight);
    return flight.served;
  }

  private async join<T>(flight: Flight, plan: Plan<T>, mayRetry: boolean): Promise<T> {
    const served = await flight.served;
    if (served.unverified) return this.joinUnverified(flight, plan, served, served.unverified);
    if (!served.tags) {
      // Untagged, or loaded while one of its tags was pending invalidation: no tokens to re-check, so only the
      // invalidations this process made since the flight started can tell that its value is outdated.
      if (!this.context.pending.invalidatedSince(plan.tags, flight.pendingMark)) return served.value as T;
      return this.joinAgain(plan, mayRetry);
    }
    // The flight read its tokens before this caller arrived: an invalidation in between must not be missed.
    flight.stillValid ??= this.tokensCurrent(served.tags);
    const valid = await flight.stillValid;
    if (valid === undefined) return this.joinUnverified(flight, plan, served, Object.keys(served.tags));
    if (valid) return served.value as T;
    return this.joinAgain(plan, mayRetry);
  }

  /** The flight's value is outdated for this caller: it joins a newer flight (or starts one), once. */
  private async joinAgain<T>(plan: Plan<T>, mayRetry: boolean): Promise<T> {
    if (!mayRetry) return (await this.readOrFill(plan)).value;
    const next = this.flights.get(plan.storedKey);
    return next ? this.join(next, plan, false) : this.start(plan).then((fresh) => fresh.value as T);
  }

  /**
   * Redis could not tell whether the flight's value is still valid (the flight or the check met a fault), and asking
   * again would cost this caller another command timeout: only the invalidations this process made since the flight
   * started are seen then, queued or landed (Redis may have come back meanwhile). When one is, this caller runs its
   * own loader, without Redis; the others still share the flight's.
   */
  private async joinUnverified<T>(
    flight: Flight,
    plan: Plan<T>,
    served: Served<unknown>,
    tags: readonly string[],
  ): Promise<T> {
    if (!this.context.pending.invalidatedSince(tags, flight.pendingMark)) return served.value as T;
    return (await new GetOrSetAttempt(this.context, plan).loadWithoutRedis()).value;
  }

  /** Whether the tags still have these tokens; undefined when Redis cannot tell (the check met a fault). */
  private async tokensCurrent(tags: Readonly<Record<string, string>>): Promise<boolean | undefined> {
    const guard = new CallGuard(this.context.guard, this.context.options);
    const current = await new EntryIO({ ...this.context, guard }).tokensCurrent('getOrSet', tags);
    return guard.hasFaulted ? undefined : current;
  }

  private async readOrFill<T>(plan: Plan<T>): Promise<Served<T>> {
    const { stats } = this.context;
    const attempt = new GetOrSetAttempt(this.context, plan);
    const outcome = await attempt.read();
    if (outcome.status === 'fresh') {
      stats.hits++;
      const { freshUntil, computeMs } = outcome.entry;
      if (plan.beta !== undefined && freshUntil !== undefined && computeMs !== undefined) {
        if (shouldRefreshEarly(freshUntil, computeMs, plan.beta)) this.refreshInBackground(plan, freshUntil);
      }
      return served(outcome.entry);
    }
    if (outcome.status === 'stale' && Date.now() < (outcome.entry.freshUntil ?? 0) + plan.staleMs) {
      stats.staleServes++;
      this.refreshInBackground(plan, outcome.entry.freshUntil);
      return served(outcome.entry);
    }
    stats.misses++;
    return attempt.fill(this.graceEntry(plan, outcome));
  }

  /** `seen`: the freshUntil of the entry that asked for the refresh, to tell whether another process did it. */
  private refreshInBackground(plan: Plan<unknown>, seen: number | undefined): void {
    if (this.refreshes.has(plan.storedKey) || this.closing.signal.aborted) return;
    const { options, logger } = this.context;
    const refresh = new GetOrSetAttempt(this.context, plan)
      .refresh(seen, this.closing.signal)
      .catch((error: unknown) => {
        if (this.closing.signal.aborted) return;
        logger.warn(
          `Cache "${options.name}": background refresh of ${JSON.stringify(plan.userKey)} failed: ${errorMessage(error)}`,
        );
      })
      .finally(() => this.refreshes.delete(plan.storedKey));
    this.refreshes.set(plan.storedKey, refresh);
  }

  private graceEntry(plan: Plan<unknown>, outcome: ReadOutcome): CacheEntry | undefined {
    if (outcome.status !== 'stale') return undefined;
    return Date.now() < (outcome.entry.freshUntil ?? 0) + plan.graceMs ? outcome.entry : undefined;
  }
}
