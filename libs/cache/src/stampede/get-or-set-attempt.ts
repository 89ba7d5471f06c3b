import type { CacheEntry } from '../codec/cache-entry.js';
import type { CacheContext } from '../entries/cache-context.js';
import { EntryIO, type ReadOutcome } from '../entries/entry-io.js';
import { ensureTokens, stillWritable } from '../entries/tag-tokens.js';
import { CacheSerializationError } from '../errors/cache-serialization.error.js';
import { errorMessage } from '../errors/error-message.js';
import { CallGuard } from '../faults/call-guard.js';
import { FillLock } from './fill-lock.js';
import type { GetOrSetPlan as Plan } from './get-or-set-plan.js';
import { runLoader } from './run-loader.js';

const OPERATION = 'getOrSet';
const POLL_MIN_MS = 10;
const POLL_MAX_MS = 100;

/** A value and what a caller that joined its flight must check before taking it. */
export interface Served<T> {
  readonly value: T;
  /** The tag tokens it is valid under (none for untagged values, or when a tag's invalidation is pending). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Its tags, when it was loaded without Redis after a fault: their tokens could not be taken or checked. */
  readonly unverified?: readonly string[];
}

/**
 * One read-or-fill of a `getOrSet` key, behind its own `CallGuard`: once one of its commands meets a connectivity
 * fault, it sends Redis nothing more (no tag tokens, fill lock, poll or write). The loader runs and its value is
 * returned uncached, so a stalled Redis costs a call one `commandTimeout` plus the loader, not one per command.
 * Only the release of a fill lock whose SET NX may have landed is still sent, in the background.
 */
export class GetOrSetAttempt<T> {
  private readonly guard: CallGuard;
  private readonly context: CacheContext;
  private readonly io: EntryIO;

  constructor(
    cache: CacheContext,
    private readonly plan: Plan<T>,
  ) {
    this.guard = new CallGuard(cache.guard, cache.options);
    this.context = { ...cache, guard: this.guard };
    this.io = new EntryIO(this.context);
  }

  read(): Promise<ReadOutcome> {
    return this.io.read(OPERATION, this.plan.storedKey, this.plan.tags);
  }

  /** A miss: takes the tag tokens, then the fill lock, and loads, waits for another process, or serves `fallback`. */
  async fill(fallback: CacheEntry | undefined): Promise<Served<T>> {
    const { plan, context } = this;
    const tokens = await this.captureTags();
    // Nothing will be stored for other processes to wait for (ttl 0, or Redis unreachable): no lock.
    if (plan.ttl === 0 || this.guard.hasFaulted) return this.load(tokens, fallback);
    const lock = new FillLock(context, this.guard, plan.storedKey);
    let deadline: number | undefined;
    for (;;) {
      const locked = await lock.acquire();
      if (this.guard.hasFaulted) {
        // The SET NX may have landed all the same: released (in the background), since it is owner-checked.
        await lock.release();
        return this.load(tokens, fallback);
      }
      if (locked) return lock.hold(() => this.loadLocked(tokens, fallback));
      if (fallback) {
        context.stats.staleServes++;
        return served(fallback);
      }
      // One deadline for every round: waiters that lose the lock again go back to waiting, not to loading.
      if (deadline === undefined) {
        context.stats.lockWaits++;
        deadline = Date.now() + context.options.stampede.lockWait * 1000;
      }
      const filled = await this.waitForFill(lock, deadline);
      if (filled) return served(filled);
      if (this.guard.hasFaulted || Date.now() >= deadline) return this.load(tokens, fallback);
      // The lock vanished without a value (the winner failed): whoever takes it next loads, the others wait.
    }
  }

  /**
   * A background refresh (stale-while-revalidate, early refresh): loads under the fill lock unless another process
   * holds it or refreshed the entry already (`seen`: the freshUntil of the entry that asked for it). After a fault
   * it stops: nothing could be stored, and the stale value goes on being served.
   */
  async refresh(seen: number | undefined, abort: AbortSignal): Promise<void> {
    const tokens = await this.captureTags();
    if (this.guard.hasFaulted) return;
    const lock = new FillLock(this.context, this.guard, this.plan.storedKey);
    const locked = await lock.acquire();
    if (this.guard.hasFaulted) return lock.release();
    if (!locked) return;
    await lock.hold(async () => {
      const outcome = await this.read();
      if (this.guard.hasFaulted || (outcome.status === 'fresh' && outcome.entry.freshUntil !== seen)) return;
      await this.load(tokens, undefined, abort);
    });
  }

  /** Runs the loader and sends Redis nothing: for a caller whose flight met a fault and whose value it may not take. */
  loadWithoutRedis(): Promise<Served<T>> {
    this.guard.fault();
    return this.load(undefined, undefined);
  }

  private async loadLocked(tokens: string[] | undefined, fallback: CacheEntry | undefined): Promise<Served<T>> {
    // Another process may have filled the key (and released its lock) between our miss and our lock. Quiet:
    // undecodable bytes here were reported by the read that missed.
    const outcome = await this.io.read(OPERATION, this.plan.storedKey, this.plan.tags, true);
    if (outcome.status === 'fresh') return served(outcome.entry);
    return this.load(tokens, fallback);
  }

  private async load(
    tokens: string[] | undefined,
    fallback: CacheEntry | undefined,
    abort?: AbortSignal,
  ): Promise<Served<T>> {
    const { plan, guard } = this;
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
    if (guard.hasFaulted) return { value, unverified: plan.tags };
    if (!tokens) return { value };
    const tags = plan.tags.length ? Object.fromEntries(plan.tags.map((tag, i) => [tag, tokens[i]!])) : undefined;
    if (stillWritable(this.context, plan.tags)) await this.store(value, tags, Date.now() - started);
    // Still returned with its tags, so that callers who joined after an invalidation re-check them; unless the
    // write met a fault: they would pay a command timeout for the check.
    return guard.hasFaulted ? { value, unverified: plan.tags } : { value, tags };
  }

  private async store(value: T, tags: Record<string, string> | undefined, computeMs: number): Promise<void> {
    const { ttl, staleMs, graceMs, beta, userKey, storedKey } = this.plan;
    if (ttl === 0) return;
    const { store, stats } = this.context;
    const extraMs = ttl === null ? 0 : Math.max(staleMs, graceMs);
    const keepsMeta = ttl !== null && (extraMs > 0 || beta !== undefined);
    const entry: CacheEntry = {
      value,
      ...(tags ? { tags } : {}),
      ...(keepsMeta ? { freshUntil: Date.now() + ttl * 1000 } : {}),
      ...(keepsMeta && beta !== undefined ? { computeMs } : {}),
    };
    const data = await this.io.encode(userKey, entry);
    if (!data) {
      // Skipped as too large: the previous (stale) value must not go on being served in its place.
      await this.guard.run(
        OPERATION,
        () => store.delete(storedKey),
        () => false,
      );
      return;
    }
    const storeTtl = ttl === null ? null : ttl + extraMs / 1000;
    const stored = await this.guard.run(
      OPERATION,
      () => store.set(storedKey, data, storeTtl).then(() => true),
      () => false,
    );
    if (stored) stats.sets++;
  }

  /**
   * Tokens of the plan's tags, taken before loading; undefined when Redis is down or a tag's invalidation is
   * pending (then nothing is stored).
   */
  private captureTags(): Promise<string[] | undefined> {
    const { tags } = this.plan;
    if (tags.length === 0) return Promise.resolve([]);
    return this.guard.run(
      OPERATION,
      () => ensureTokens(this.context, tags),
      () => undefined,
    );
  }

  /** Polls for the winner's value until it appears (returned), the lock vanishes, Redis faults or `deadline` passes. */
  private async waitForFill(lock: FillLock, deadline: number): Promise<CacheEntry | undefined> {
    let delay = POLL_MIN_MS;
    while (Date.now() < deadline) {
      await sleep(Math.min(delay, deadline - Date.now()));
      delay = Math.min(delay * 2, POLL_MAX_MS);
      const outcome = await this.read();
      if (outcome.status === 'fresh') return outcome.entry;
      if (this.guard.hasFaulted || !(await lock.isHeld())) return undefined;
    }
    return undefined;
  }
}

export function served<T>(entry: CacheEntry): Served<T> {
  return entry.tags ? { value: entry.value as T, tags: entry.tags } : { value: entry.value as T };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
