import type { CacheContext } from './cache-context.js';
import type { InProcessSizes } from '../in-process-sizes.js';
import { CacheUnavailableError } from '../errors/cache-unavailable.error.js';
import { errorMessage } from '../errors/error-message.js';
import { MAX_REMEMBERED_INVALIDATIONS, RecentInvalidations } from './recent-invalidations.js';

const OPERATION = 'invalidateTags';
const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 1_000;

/** What the pending set needs from its cache (it is itself part of the cache's context). */
export type PendingInvalidationParts = Pick<CacheContext, 'options' | 'store' | 'keys' | 'guard' | 'stats' | 'logger'>;

/**
 * Tag invalidations that could not reach Redis and are retried until they land (`invalidateTags(tags,
 * { retry: true })`). While a tag is pending, every token read in this process (`tag-tokens.ts`) treats it as
 * invalidated and no valid token is handed out for it, so this process never serves or writes as fresh an entry
 * that the lost DEL was meant to kill. Other processes do not know: they may serve such an entry until the
 * retry lands (bounded by the backoff cap once Redis answers again).
 */
export class PendingInvalidations {
  // Tag → sequence number of the latest invalidation of it that failed: a DEL that started before that
  // invalidation was made cannot stand for it, even if it lands after.
  private readonly pending = new Map<string, number>();
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
    return this.pending.has(tag);
  }

  /** True when any of `tags` is pending. */
  any(tags: readonly string[]): boolean {
    return this.pending.size > 0 && tags.some((tag) => this.pending.has(tag));
  }

  /** One entry per tag whose invalidation is waiting for Redis; the tags invalidated lately (bounded). */
  inProcessSizes(): InProcessSizes {
    return {
      pendingInvalidations: { size: this.pending.size, max: null },
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
    const { store, keys, options, logger } = this.parts;
    await this.bounded(this.flushing ?? Promise.resolve()).catch(() => undefined);
    if (this.pending.size === 0) return;
    const tags = [...this.pending.keys()];
    const before = this.sequence;
    try {
      await this.bounded(store.deleteMany(tags.map((tag) => keys.tag(tag))));
      this.landed(tags, before);
    } catch {
      // Reported below with the tags that are still pending.
    }
    if (this.pending.size === 0) return;
    logger.error(
      `Cache "${options.name}": closing with ${this.pending.size} tag invalidation(s) never applied ` +
        `(${this.describe()}). Other processes may serve entries carrying these tags until they expire.`,
    );
  }

  private queue(tags: readonly string[], cause: CacheUnavailableError): void {
    const { stats, logger, options } = this.parts;
    const first = this.pending.size === 0;
    for (const tag of tags) this.pending.set(tag, ++this.sequence);
    stats.invalidationsQueued++;
    stats.invalidationsPending = this.pending.size;
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

  private schedule(): void {
    if (this.timer || this.flushing || this.closed || this.pending.size === 0) return;
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
    const { guard, store, keys, stats, logger, options } = this.parts;
    const tags = [...this.pending.keys()];
    const before = this.sequence;
    stats.invalidationRetries++;
    this.streakRetries++;
    try {
      await guard.runStrict(OPERATION, () => store.deleteMany(tags.map((tag) => keys.tag(tag))));
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
    this.landed(tags, before);
    if (this.pending.size > 0) return;
    const retries = this.streakRetries === 1 ? '1 retry' : `${this.streakRetries} retries`;
    logger.log(`Cache "${options.name}": queued tag invalidation(s) applied after ${retries}.`);
    this.delayMs = FIRST_RETRY_MS;
    this.streakRetries = 0;
    this.reportedFailure = false;
  }

  /** A DEL of `tags` succeeded: it stands for every invalidation of them made before it started. */
  private landed(tags: readonly string[], before: number): void {
    if (this.pending.size === 0) return;
    for (const tag of tags) {
      const queuedAt = this.pending.get(tag);
      if (queuedAt !== undefined && queuedAt <= before) this.pending.delete(tag);
    }
    this.parts.stats.invalidationsPending = this.pending.size;
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
    return JSON.stringify([...this.pending.keys()]);
  }
}
