import type { CacheContext } from '../entries/cache-context.js';
import type { ResolvedNearOptions } from './near-options.js';
import { CoherenceChannel, coherenceChannelName } from './coherence-channel.js';
import { NEAR_DEFAULTS } from './near-options.js';
import { redisSubscriberFor } from './redis-subscriber.js';

/**
 * One cache's coherence channel, opened at construction when the cache has a near cache, else on first use
 * (the page micro-cache), and the write paths' notices on it: after a write the stored keys, tags or "all" are
 * published, whether the write succeeded, failed open or threw (a timed-out write may still land).
 */
export class CacheCoherence {
  private opened: CoherenceChannel | undefined;

  constructor(
    private readonly context: Pick<CacheContext, 'options' | 'client' | 'logger' | 'pending' | 'stats'>,
    near: ResolvedNearOptions | undefined,
  ) {
    if (near) this.opened = this.open(near.heartbeatMs, near.staleAfterMs);
  }

  /** The channel, opened now if it was not. */
  channel(): CoherenceChannel {
    this.opened ??= this.open(NEAR_DEFAULTS.heartbeatMs, 2 * NEAR_DEFAULTS.heartbeatMs);
    return this.opened;
  }

  /** Runs a write of `storedKeys`, then drops them here and publishes them (when a channel is open). */
  afterKeys<T>(storedKeys: readonly string[], write: () => Promise<T>): Promise<T> {
    return this.after(write, (channel) => channel.publishKeys(storedKeys));
  }

  /**
   * Runs a tag invalidation, then drops the tags here and publishes them. An invalidation queued for a retry
   * (Redis unreachable) lands later: "all" is published again once nothing is queued any more.
   */
  afterTags<T>(tags: readonly string[], write: () => Promise<T>): Promise<T> {
    return this.after(write, async (channel) => {
      await channel.publishTags(tags);
      if (this.context.pending.any(tags)) channel.oweAll();
    });
  }

  /** Runs a write that may touch any key of the cache (clear, deletePattern, incrVersion), then publishes "all". */
  afterAll<T>(write: () => Promise<T>): Promise<T> {
    return this.after(write, (channel) => channel.publishAll());
  }

  async close(): Promise<void> {
    await this.opened?.close();
  }

  private async after<T>(write: () => Promise<T>, notice: (channel: CoherenceChannel) => Promise<void>): Promise<T> {
    try {
      return await write();
    } finally {
      if (this.opened) await notice(this.opened);
    }
  }

  private open(heartbeatMs: number, staleAfterMs: number): CoherenceChannel {
    const { options, client, logger } = this.context;
    const label = `Cache "${options.name}" near cache`;
    const transport = client && redisSubscriberFor(client, label, logger);
    return new CoherenceChannel(
      {
        name: coherenceChannelName(options.keyPrefix),
        label,
        heartbeatMs,
        staleAfterMs,
        publishTimeoutMs: options.commandTimeout,
        mayPublishOwed: () => this.context.stats.invalidationsPending === 0,
      },
      logger,
      transport,
    );
  }
}
