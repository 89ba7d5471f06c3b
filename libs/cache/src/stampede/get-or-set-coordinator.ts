import type { CacheEntry } from '../codec/cache-entry.js';
import type { CacheContext } from '../entries/cache-context.js';
import type { EntryIO, ReadOutcome } from '../entries/entry-io.js';
import type { GetOrSetOptions } from './get-or-set-options.interface.js';
import { ensureTokens, stillWritable } from '../entries/tag-tokens.js';
import { CacheSerializationError } from '../errors/cache-serialization.error.js';
import { errorMessage } from '../errors/error-message.js';
import { FillLock } from './fill-lock.js';
import { planGetOrSet, type GetOrSetPlan as Plan } from './get-or-set-plan.js';
import { runLoader, shouldRefreshEarly, type Loader } from './run-loader.js';

const POLL_MIN_MS = 10;
const POLL_MAX_MS = 100;
/** How long `close()` waits for aborted background refreshes to settle before releasing the connection. */
const DRAIN_TIMEOUT_MS = 5_000;

/** A value and the tag tokens it is valid under (none for untagged values, or when Redis was down). */
interface Served<T> {
  readonly value: T;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A read-or-fill in progress for one stored key, shared by the callers that arrive while it runs. */
interface Flight {
  readonly served: Promise<Served<unknown>>;
  /** One check, after the flight settles, that its tags were not invalidated while callers joined it. */
  stillValid?: Promise<boolean>;
}

/**
 * `getOrSet` with stampede protection. In one process, concurrent calls for a key share one read and one
 * loader run. Across processes, a short Redis lock lets one process compute while the others poll (bounded by
 * `stampede.lockWait`) or are served the previous value. Tag tokens are captured before the loader starts, so
 * a value computed from data that an invalidation superseded is stored already invalid; callers that joined a
 * flight re-check its tokens once it settles, so none of them gets a value invalidated before it arrived.
 */
export class GetOrSetCoordinator {
  private readonly flights = new Map<string, Flight>();
  private readonly refreshes = new Map<string, Promise<void>>();
  private readonly closing = new AbortController();

  constructor(
    private readonly context: CacheContext,
    private readonly io: EntryIO,
  ) {}

  run<T>(key: string, loader: Loader<T>, options: GetOrSetOptions = {}): Promise<T> {
    const plan = planGetOrSet(this.context, key, loader, options);
    const existing = this.flights.get(plan.storedKey);
    if (existing) return this.join(existing, plan, true);
    return this.start(plan).then((served) => served.value as T);
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
      served: this.readOrFill(plan).finally(() => {
        if (this.flights.get(plan.storedKey) === flight) this.flights.delete(plan.storedKey);
      }),
    };
    this.flights.set(plan.storedKey, flight);
    return flight.served;
  }

  private async join<T>(flight: Flight, plan: Plan<T>, mayRetry: boolean): Promise<T> {
    const served = await flight.served;
    if (!served.tags) return served.value as T;
    // The flight read its tokens before this caller arrived: an invalidation in between must not be missed.
    flight.stillValid ??= this.io.tokensCurrent('getOrSet', served.tags);
    if (await flight.stillValid) return served.value as T;
    if (!mayRetry) return (await this.readOrFill(plan)).value as T;
    const next = this.flights.get(plan.storedKey);
    return next ? this.join(next, plan, false) : this.start(plan).then((fresh) => fresh.value as T);
  }

  private async readOrFill<T>(plan: Plan<T>): Promise<Served<T>> {
    const { stats } = this.context;
    const outcome = await this.io.read('getOrSet', plan.storedKey, plan.tags);
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
    return this.fill(plan, this.graceEntry(plan, outcome));
  }

  private async fill<T>(plan: Plan<T>, fallback: CacheEntry | undefined): Promise<Served<T>> {
    const { stats, options } = this.context;
    const tokens = await this.captureTags(plan);
    // Nothing will be stored for other processes to wait for: they would only take turns loading.
    if (plan.ttl === 0) return this.load(plan, tokens, fallback);
    const lock = new FillLock(this.context, plan.storedKey);
    let deadline: number | undefined;
    for (;;) {
      const locked = await lock.acquire();
      // Unknown (undefined) is loaded under too: failing open, and released anyway, since it may have landed.
      if (locked !== false) return lock.hold(() => this.loadLocked(plan, tokens, fallback, locked === true));
      if (fallback) {
        stats.staleServes++;
        return served(fallback);
      }
      // One deadline for every round: waiters that lose the lock again go back to waiting, not to loading.
      if (deadline === undefined) {
        stats.lockWaits++;
        deadline = Date.now() + options.stampede.lockWait * 1000;
      }
      const filled = await this.waitForFill(plan, lock, deadline);
      if (filled) return served(filled);
      if (Date.now() >= deadline) return this.load(plan, tokens, fallback);
      // The lock vanished without a value (the winner failed): whoever takes it next loads, the others wait.
    }
  }

  private async loadLocked<T>(
    plan: Plan<T>,
    tokens: string[] | undefined,
    fallback: CacheEntry | undefined,
    locked: boolean,
  ): Promise<Served<T>> {
    if (locked) {
      // Another process may have filled the key (and released its lock) between our miss and our lock. Quiet:
      // undecodable bytes here were reported by the read that missed.
      const outcome = await this.io.read('getOrSet', plan.storedKey, plan.tags, true);
      if (outcome.status === 'fresh') return served(outcome.entry);
    }
    return this.load(plan, tokens, fallback);
  }

  private async load<T>(
    plan: Plan<T>,
    tokens: string[] | undefined,
    fallback: CacheEntry | undefined,
    abort?: AbortSignal,
  ): Promise<Served<T>> {
    const { stats, logger, options } = this.context;
    const started = Date.now();
    let value: T;
    stats.loaderRuns++;
    try {
      value = await runLoader(plan.userKey, plan.loader, plan.loaderTimeout, abort);
    } catch (error) {
      if (!fallback) throw error;
      stats.staleServes++;
      logger.warn(
        `Cache "${options.name}": loader for ${JSON.stringify(plan.userKey)} failed (${errorMessage(error)}); ` +
          'serving the stale value within grace.',
      );
      return served(fallback);
    }
    // Checked whether or not the value is stored (ttl 0, Redis down), so the contract does not depend on Redis.
    if (value === undefined) {
      const codec = typeof options.codec === 'string' ? options.codec : options.codec.id;
      throw new CacheSerializationError(
        plan.userKey,
        codec,
        "a loader must not resolve undefined (a miss); return null for 'nothing'",
      );
    }
    if (!tokens) return { value };
    const tags = plan.tags.length ? Object.fromEntries(plan.tags.map((tag, i) => [tag, tokens[i]!])) : undefined;
    // Still returned with its tags, so that callers who joined after the invalidation re-check them.
    if (stillWritable(this.context, plan.tags)) await this.store(plan, value, tags, Date.now() - started);
    return { value, tags };
  }

  private async store(
    plan: Plan<unknown>,
    value: unknown,
    tags: Record<string, string> | undefined,
    computeMs: number,
  ): Promise<void> {
    const { ttl, staleMs, graceMs, beta } = plan;
    if (ttl === 0) return;
    const { guard, store, stats } = this.context;
    const extraMs = ttl === null ? 0 : Math.max(staleMs, graceMs);
    const keepsMeta = ttl !== null && (extraMs > 0 || beta !== undefined);
    const entry: CacheEntry = {
      value,
      ...(tags ? { tags } : {}),
      ...(keepsMeta ? { freshUntil: Date.now() + ttl * 1000 } : {}),
      ...(keepsMeta && beta !== undefined ? { computeMs } : {}),
    };
    const data = await this.io.encode(plan.userKey, entry);
    if (!data) {
      // Skipped as too large: the previous (stale) value must not go on being served in its place.
      await guard.run(
        'getOrSet',
        () => store.delete(plan.storedKey),
        () => false,
      );
      return;
    }
    const storeTtl = ttl === null ? null : ttl + extraMs / 1000;
    const stored = await guard.run(
      'getOrSet',
      () => store.set(plan.storedKey, data, storeTtl).then(() => true),
      () => false,
    );
    if (stored) stats.sets++;
  }

  /**
   * Tokens of the plan's tags, taken before loading; undefined when Redis is down or a tag's invalidation is
   * pending (then nothing is stored).
   */
  private captureTags(plan: Plan<unknown>): Promise<string[] | undefined> {
    if (plan.tags.length === 0) return Promise.resolve([]);
    return this.context.guard.run(
      'getOrSet',
      () => ensureTokens(this.context, plan.tags),
      () => undefined,
    );
  }

  /** Polls for the winner's value until it appears (returned), the lock vanishes or `deadline` passes. */
  private async waitForFill(plan: Plan<unknown>, lock: FillLock, deadline: number): Promise<CacheEntry | undefined> {
    let delay = POLL_MIN_MS;
    while (Date.now() < deadline) {
      await sleep(Math.min(delay, deadline - Date.now()));
      delay = Math.min(delay * 2, POLL_MAX_MS);
      const outcome = await this.io.read('getOrSet', plan.storedKey, plan.tags);
      if (outcome.status === 'fresh') return outcome.entry;
      if (!(await lock.isHeld())) return undefined;
    }
    return undefined;
  }

  /** `seen`: the freshUntil of the entry that asked for the refresh, to tell whether another process did it. */
  private refreshInBackground(plan: Plan<unknown>, seen: number | undefined): void {
    if (this.refreshes.has(plan.storedKey) || this.closing.signal.aborted) return;
    const { options, logger } = this.context;
    const refresh = (async () => {
      const tokens = await this.captureTags(plan);
      const lock = new FillLock(this.context, plan.storedKey);
      const locked = await lock.acquire();
      if (locked === false) return;
      // An unknown outcome (a SET NX that timed out) loads nothing but is still released: it may have landed.
      await lock.hold(async () => {
        if (!locked) return;
        const outcome = await this.io.read('getOrSet', plan.storedKey, plan.tags);
        if (outcome.status === 'fresh' && outcome.entry.freshUntil !== seen) return;
        await this.load(plan, tokens, undefined, this.closing.signal);
      });
    })()
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

function served<T>(entry: CacheEntry): Served<T> {
  return entry.tags ? { value: entry.value as T, tags: entry.tags } : { value: entry.value as T };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
