import type { CacheContext } from './cache-context.js';
import type { InProcessSizes } from '../in-process-sizes.js';
import { CacheUnavailableError } from '../errors/cache-unavailable.error.js';
import { errorMessage } from '../errors/error-message.js';
import { MAX_REMEMBERED_INVALIDATIONS, RecentInvalidations } from './recent-invalidations.js';

const OPERATION = 'invalidateTags';
const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 1_000;
/**
 * Distinct tags pending at most. One more folds them into one pending deletion of every tag token of the
 * cache: memory stays bounded through a long outage, at the price of every tagged entry missing once.
 */
export const MAX_PENDING_TAGS = 10_000;

/** What the pending set needs from its cache (it is itself part of the cache's context). */
export type PendingInvalidationParts = Pick<CacheContext, 'options' | 'store' | 'keys' | 'guard' | 'stats' | 'logger'>;

/**
 * Tag invalidations that could not reach Redis and are retried until they land (`invalidateTags(tags,
 * { retry: true })`). While a tag is pending, every token read in this process (`tag-tokens.ts`) treats it as
 * invalidated and no valid token is handed out for it, so this process never serves or writes as fresh an entry
 * that the lost DEL was meant to kill. Other processes do not know: they may serve such an entry until the
 * retry lands (bounded by the backoff cap once Redis answers again).
 *
 * Past `MAX_PENDING_TAGS` distinct tags, the set is folded: every tag reads as pending here, and the retry deletes
 * every tag token of the cache (SCAN over every master, as `clear()`), which stands for all of them.
 */
export class PendingInvalidations {
  // Tag → sequence number of the latest invalidation of it that failed: a DEL that started before that
  // invalidation was made cannot stand for it, even if it lands after.
  private readonly pending = new Map<string, number>();
  // Set while folded: the sequence number of the latest invalidation that a deletion of every tag token must
  // stand for. Invalidations queued while folded are counted in `foldedCount` (repeats included).
  private foldedAt: number | undefined;
  private foldedCount = 0;
  // Every invalidation this process made, landed or queued, for values loaded without Redis (`invalidatedSince`).
  private readonly recent = new RecentInvalidations();
  private sequence = 0;
  private delayMs = FIRST_RETRY_MS;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private streakRetries = 0;
  private reportedFailure = false;
  private closed = false;

  constructor(private readonly parts: PendingInvalidationParts) {}

  /** True while an invalidation of `tag` has not reached Redis. */
  has(tag: string): boolean {
    return this.foldedAt !== undefined || this.pending.has(tag);
  }

  /** True when any of `tags` is pending. */
  any(tags: readonly string[]): boolean {
    if (this.foldedAt !== undefined) return tags.length > 0;
    return this.pending.size > 0 && tags.some((tag) => this.pending.has(tag));
  }

  /** One entry per tag whose invalidation is waiting for Redis (bounded); the tags invalidated lately (bounded). */
  inProcessSizes(): InProcessSizes {
    return {
      pendingInvalidations: { size: this.pending.size, max: MAX_PENDING_TAGS },
      recentInvalidations: { size: this.recent.size, max: MAX_REMEMBERED_INVALIDATIONS },
    };
  }

  /** A point in this process's sequence of invalidations, for `invalidatedSince`. */
  get mark(): number {
    return this.sequence;
  }

  /**
   * True when this process invalidated one of `tags` after `mark` was taken, whether the DEL landed or was queued:
   * a value loaded since then, without Redis to check its tokens, may predate that invalidation.
   */
  invalidatedSince(tags: readonly string[], mark: number): boolean {
    return this.recent.since(tags, mark);
  }

  /**
   * Deletes the tags' tokens. On a connectivity fault, throws `CacheUnavailableError`, or with `retry` queues
   * the tags and resolves. Any other error is thrown either way.
   */
  async invalidate(tags: readonly string[], retry: boolean): Promise<void> {
    const { keys, guard, store } = this.parts;
    const unique = [...new Set(tags)];
    // Built (and validated) before any I/O: a bad tag deletes nothing.
    const tagKeys = unique.map((tag) => keys.tag(tag));
    if (tagKeys.length === 0) return;
    this.recent.remember(unique, ++this.sequence);
    const before = this.sequence;
    try {
      await guard.runStrict(OPERATION, () => store.deleteMany(tagKeys));
    } catch (error) {
      if (!retry || !(error instanceof CacheUnavailableError)) throw error;
      this.queue(unique, error);
      return;
    }
    this.landed(unique, before);
  }

  /**
   * On close: one last attempt (bounded by the command timeout, past the breaker), then an error log naming the
   * tags still pending: they are lost with this process.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const { options, logger } = this.parts;
    await this.bounded(this.flushing ?? Promise.resolve()).catch(() => undefined);
    if (this.count === 0) return;
    const tags = [...this.pending.keys()];
    const before = this.sequence;
    const everyTag = this.foldedAt !== undefined;
    try {
      await this.bounded(this.deleteTokens(tags, everyTag));
      this.landed(tags, before, everyTag);
    } catch {
      // Reported below with the tags that are still pending.
    }
    if (this.count === 0) return;
    logger.error(
      `Cache "${options.name}": closing with ${this.count} tag invalidation(s) never applied ` +
        `(${this.describe()}). Other processes may serve entries carrying these tags until they expire.`,
    );
  }

  /** Tags pending; while folded, the invalidations queued since the fold began. */
  private get count(): number {
    return this.foldedAt === undefined ? this.pending.size : this.foldedCount;
  }

  /** Deletes the tokens of `tags`, or every tag token of the cache. */
  private deleteTokens(tags: readonly string[], everyTag: boolean): Promise<number> {
    const { store, keys } = this.parts;
    if (everyTag) return store.clear(keys.everyTag());
    return store.deleteMany(tags.map((tag) => keys.tag(tag)));
  }

  private queue(tags: readonly string[], cause: CacheUnavailableError): void {
    const { stats, logger, options } = this.parts;
    const first = this.count === 0;
    for (const tag of tags) this.pending.set(tag, ++this.sequence);
    if (this.foldedAt !== undefined || this.pending.size > MAX_PENDING_TAGS) this.fold(tags.length);
    stats.invalidationsQueued++;
    stats.invalidationsPending = this.count;
    if (this.closed) {
      logger.error(
        `Cache "${options.name}": invalidation of ${JSON.stringify(tags)} failed after close() ` +
          `(${errorMessage(cause.cause)}); it is lost.`,
      );
      return;
    }
    if (first) {
      logger.warn(
        `Cache "${options.name}": invalidation of ${JSON.stringify(tags)} queued, Redis unavailable ` +
          `(${errorMessage(cause.cause)}); retrying until it lands. ` +
          'This process treats the tags as invalidated meanwhile.',
      );
    }
    this.schedule();
  }

  /** Folds every pending tag into one pending deletion of every tag token (see `MAX_PENDING_TAGS`). */
  private fold(queued: number): void {
    if (this.foldedAt === undefined) {
      this.foldedCount = this.pending.size;
      this.parts.logger.warn(
        `Cache "${this.parts.options.name}": more than ${MAX_PENDING_TAGS} distinct tag invalidations are waiting ` +
          'for Redis; they are folded into one deletion of every tag token of this cache once it answers (every ' +
          'tagged entry will miss once). This process treats every tag as invalidated meanwhile.',
      );
    } else {
      this.foldedCount += queued;
    }
    this.pending.clear();
    this.foldedAt = this.sequence;
  }

  private schedule(): void {
    if (this.timer || this.flushing || this.closed || this.count === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.retry().finally(() => {
        this.flushing = undefined;
        this.schedule();
      });
    }, this.delayMs);
    // A pending invalidation must not keep the process alive: close() makes the last attempt.
    this.timer.unref();
  }

  private async retry(): Promise<void> {
    const { guard, stats, logger, options } = this.parts;
    const tags = [...this.pending.keys()];
    const before = this.sequence;
    const everyTag = this.foldedAt !== undefined;
    stats.invalidationRetries++;
    this.streakRetries++;
    try {
      await guard.runStrict(OPERATION, () => this.deleteTokens(tags, everyTag));
    } catch (error) {
      this.delayMs = Math.min(this.delayMs * 2, MAX_RETRY_MS);
      if (!(error instanceof CacheUnavailableError) && !this.reportedFailure) {
        // Not a fault a reconnect cures (ACL, CROSSSLOT): kept pending, since dropping it would serve stale data.
        this.reportedFailure = true;
        logger.error(
          `Cache "${options.name}": retrying the invalidation of ${this.describe()} failed: ${errorMessage(error)}. ` +
            'Still retrying; this process treats the tags as invalidated meanwhile.',
        );
      }
      return;
    }
    this.landed(tags, before, everyTag);
    if (this.count > 0) return;
    const retries = this.streakRetries === 1 ? '1 retry' : `${this.streakRetries} retries`;
    logger.log(`Cache "${options.name}": queued tag invalidation(s) applied after ${retries}.`);
    this.delayMs = FIRST_RETRY_MS;
    this.streakRetries = 0;
    this.reportedFailure = false;
  }

  /**
   * A deletion sent when the sequence stood at `before` succeeded: a DEL of `tags` stands for every invalidation
   * of them made before it started; a deletion of every tag token (`everyTag`) stands for every one.
   */
  private landed(tags: readonly string[], before: number, everyTag = false): void {
    if (this.count === 0) return;
    if (this.foldedAt !== undefined) {
      if (!everyTag || this.foldedAt > before) return;
      this.foldedAt = undefined;
      this.foldedCount = 0;
    }
    for (const tag of tags) {
      const queuedAt = this.pending.get(tag);
      if (queuedAt !== undefined && queuedAt <= before) this.pending.delete(tag);
    }
    this.parts.stats.invalidationsPending = this.count;
  }

  /** `call`, or a rejection after the command timeout (a client passed in with `client` may have none). */
  private bounded<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), this.parts.options.commandTimeout);
    });
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  }

  private describe(): string {
    if (this.foldedAt !== undefined) return `every tag: more than ${MAX_PENDING_TAGS} were pending`;
    return JSON.stringify([...this.pending.keys()]);
  }
}
