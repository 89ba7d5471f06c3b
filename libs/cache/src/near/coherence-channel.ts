import type { LoggerService } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { CoherenceTransport } from './coherence-transport.js';
import { decodeCoherenceMessage, encodeCoherenceMessage, type CoherenceMessage } from './coherence-message.js';
import { errorMessage } from '../errors/error-message.js';

/** A local store kept coherent by a channel: what it must drop when another process (or this one) writes. */
export interface CoherenceListener {
  invalidateKeys(keys: readonly string[]): void;
  invalidateTags(tags: readonly string[]): void;
  /** Drop everything: a `clear()`, a version bump, or the channel went down or came back. */
  invalidateEverything(): void;
}

/** How a channel is run. Durations in ms. */
export interface CoherenceChannelOptions {
  /** Pub/sub channel name (derived from the cache's key prefix). */
  readonly name: string;
  /** For log lines: `Cache "products" near cache`. */
  readonly label: string;
  readonly heartbeatMs: number;
  /** The channel is live while its own last heartbeat came back less than this long after it was sent. */
  readonly staleAfterMs: number;
  /** Bound of one PUBLISH. */
  readonly publishTimeoutMs: number;
  /**
   * Whether an owed "all" may be published now: not while the cache still has tag invalidations queued for Redis,
   * or other processes could refill what they are told to drop before the invalidation lands. Always, if omitted.
   */
  readonly mayPublishOwed?: () => boolean;
}

/** The pub/sub channel name of a cache whose stored keys start with `${keyPrefix}:`. */
export function coherenceChannelName(keyPrefix: string): string {
  return `stash:near:${keyPrefix}`;
}

/**
 * One cache's invalidation channel: every process publishes the stored keys it wrote, the tags it invalidated,
 * or "all", and every local store registered here (the near cache, the page micro-cache) drops what it names.
 * A publish is delivered to this process's stores at once, then to the others through Redis.
 *
 * Liveness: each channel publishes a heartbeat every `heartbeatMs` and is live only while its own last
 * heartbeat came back less than `staleAfterMs` after it was sent, and it is subscribed. Redis delivers one
 * connection's messages in the order it processed the PUBLISHes, so a heartbeat that comes back proves every
 * invalidation published before it was sent has been delivered: a store that serves only while `live` never
 * serves an entry longer than `staleAfterMs` after its invalidation was published. Stores are told to drop
 * everything whenever the channel goes down and again when it comes back.
 */
export class CoherenceChannel {
  readonly name: string;
  private readonly id = randomBytes(6).toString('hex');
  private readonly listeners = new Set<CoherenceListener>();
  private readonly unsubscribe: (() => Promise<void>) | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private subscribed = false;
  private lastEchoSentAt = Number.NEGATIVE_INFINITY;
  private pingsSent = 0;
  private lastEchoSeq = 0;
  private wasLive = false;
  private owesAll = false;
  private closed = false;
  private downReported = false;

  /** @param transport Redis pub/sub; none for a cache whose store lives in process (always live, local only). */
  constructor(
    private readonly options: CoherenceChannelOptions,
    private readonly logger: LoggerService,
    private readonly transport?: CoherenceTransport,
  ) {
    this.name = options.name;
    if (!transport) return;
    this.unsubscribe = transport.subscribe(options.name, {
      message: (text) => this.received(decodeCoherenceMessage(text)),
      subscribed: (subscribed) => {
        this.subscribed = subscribed;
        if (subscribed) void this.ping();
        this.checkLiveness();
      },
    });
    this.timer = setInterval(() => this.beat(), options.heartbeatMs);
    // The heartbeat must not keep a process alive: close() stops it.
    this.timer.unref();
  }

  /**
   * True while stores may serve what they hold: subscribed, and the last own heartbeat came back in time. Always
   * true without a transport (an in-process store has no other process to hear from).
   */
  get live(): boolean {
    if (!this.transport) return !this.closed;
    return this.subscribed && performance.now() - this.lastEchoSentAt < this.options.staleAfterMs;
  }

  /** Registers a local store; returns the function that unregisters it. */
  register(listener: CoherenceListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Drops `keys` (stored keys) from every local store now, then tells the other processes (one PUBLISH). */
  publishKeys(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return Promise.resolve();
    return this.publish({ from: this.id, kind: 'keys', keys });
  }

  /** Drops entries carrying any of `tags` from every local store now, then tells the other processes. */
  publishTags(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return Promise.resolve();
    return this.publish({ from: this.id, kind: 'tags', tags });
  }

  /** Empties every local store now, then tells the other processes to empty theirs. */
  publishAll(): Promise<void> {
    return this.publish({ from: this.id, kind: 'all' });
  }

  /**
   * Makes the channel publish "all" once it can (every heartbeat, and only when `mayPublishOwed` allows): for a
   * write whose effect reaches Redis later (a queued tag invalidation).
   */
  oweAll(): void {
    if (this.transport) this.owesAll = true;
  }

  /** Stops the heartbeat, unsubscribes and empties the local stores. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.deliver({ from: this.id, kind: 'all' });
    await this.unsubscribe?.();
  }

  private async publish(message: CoherenceMessage): Promise<void> {
    this.deliver(message);
    if (!this.transport || this.closed) return;
    try {
      await this.transport.publish(this.name, encodeCoherenceMessage(message), this.options.publishTimeoutMs);
    } catch (error) {
      // The other processes may keep what this write replaced: "all" is retried at every heartbeat until it lands.
      this.owesAll = true;
      this.reportDown(
        `PUBLISH failed (${errorMessage(error)}); other processes are told to drop everything once it works`,
      );
    }
  }

  private received(message: CoherenceMessage): void {
    // This channel's own invalidations were delivered here when published, after the write.
    if (message.kind !== 'ping') {
      if (message.from !== this.id) this.deliver(message);
      return;
    }
    if (message.from !== this.id) return;
    // A lost heartbeat means messages may have been lost with it (a subscriber moved to another node without a
    // disconnect): the stores may hold entries whose invalidation never arrived.
    if (message.seq !== this.lastEchoSeq + 1) this.deliver({ from: this.id, kind: 'all' });
    this.lastEchoSeq = Math.max(this.lastEchoSeq, message.seq);
    this.lastEchoSentAt = Math.max(this.lastEchoSentAt, message.sentAt);
    this.checkLiveness();
  }

  private deliver(message: CoherenceMessage): void {
    for (const listener of this.listeners) {
      if (message.kind === 'keys') listener.invalidateKeys(message.keys);
      else if (message.kind === 'tags') listener.invalidateTags(message.tags);
      else if (message.kind === 'all') listener.invalidateEverything();
    }
  }

  private beat(): void {
    if (this.closed) return;
    if (!this.subscribed) this.transport?.resubscribe(this.name);
    else void this.ping();
    if (this.owesAll && (this.options.mayPublishOwed?.() ?? true)) void this.settleOwedAll();
    this.checkLiveness();
  }

  private async ping(): Promise<void> {
    const ping: CoherenceMessage = { from: this.id, kind: 'ping', sentAt: performance.now(), seq: ++this.pingsSent };
    try {
      await this.transport?.publish(this.name, encodeCoherenceMessage(ping), this.options.publishTimeoutMs);
    } catch (error) {
      this.reportDown(`heartbeat PUBLISH failed (${errorMessage(error)})`);
    }
  }

  private async settleOwedAll(): Promise<void> {
    this.owesAll = false;
    try {
      await this.transport?.publish(
        this.name,
        encodeCoherenceMessage({ from: this.id, kind: 'all' }),
        this.options.publishTimeoutMs,
      );
    } catch {
      this.owesAll = true;
    }
  }

  /** Empties the stores on every change of liveness: going down (stop serving), coming back (missed messages). */
  private checkLiveness(): void {
    const live = this.live;
    if (live && this.downReported) {
      this.downReported = false;
      this.logger.log(`${this.options.label}: coherence channel ${this.name} live again.`);
    }
    if (live === this.wasLive) return;
    this.wasLive = live;
    this.deliver({ from: this.id, kind: 'all' });
    if (!live && !this.closed) this.reportDown(this.subscribed ? 'heartbeat not back in time' : 'not subscribed');
  }

  private reportDown(reason: string): void {
    if (this.downReported || this.closed) return;
    this.downReported = true;
    this.logger.warn(
      `${this.options.label}: coherence channel ${this.name} down (${reason}); ` +
        'serving nothing from process memory until it is live again.',
    );
  }
}
