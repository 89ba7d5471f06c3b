import type { LoggerService } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import type { CoherenceTransport, SubscriptionEvents } from './coherence-transport.js';
import { withinCommandTimeout } from '../connection/command-timeout.js';
import { errorMessage } from '../errors/error-message.js';

const SUBSCRIBE_TIMEOUT_MS = 2_000;

interface Subscription {
  /** Usually one: two caches on one client with one key prefix share the channel. */
  readonly listeners: Set<SubscriptionEvents>;
  subscribed: boolean;
  // Bumped on every (re)connect: a SUBSCRIBE reply from before a disconnect must not mark the channel subscribed.
  generation: number;
}

/**
 * One subscriber connection (`client.duplicate()`, a `Redis` or a `Cluster`) shared by the coherence channels of
 * every cache on one client, and PUBLISH on the client itself. It tells each channel when it is subscribed and
 * when the connection drops; ioredis has no RESP3 client tracking, hence pub/sub.
 */
export class RedisSubscriber implements CoherenceTransport {
  private readonly connection: Redis | Cluster;
  private readonly subscriptions = new Map<string, Subscription>();
  private generation = 0;
  private reported = false;

  constructor(
    private readonly client: Redis | Cluster,
    private readonly label: string,
    private readonly logger: LoggerService,
    private readonly onIdle: () => void,
  ) {
    this.connection = isCluster(client) ? client.duplicate() : client.duplicate();
    this.connection.on('error', (error: Error) => {
      if (!this.reported) this.logger.warn(`${this.label}: subscriber connection error: ${error.message}`);
      this.reported = true;
    });
    this.connection.on('ready', () => {
      this.reported = false;
      this.generation++;
      for (const channel of this.subscriptions.keys()) this.send(channel);
    });
    for (const event of ['close', 'end', 'reconnecting']) this.connection.on(event, () => this.dropped());
    this.connection.on('message', (channel: string, text: string) => {
      for (const listener of this.subscriptions.get(channel)?.listeners ?? []) listener.message(text);
    });
  }

  async publish(channel: string, text: string, timeoutMs: number): Promise<void> {
    await withinCommandTimeout(this.client.publish(channel, text), timeoutMs);
  }

  subscribe(channel: string, events: SubscriptionEvents): () => Promise<void> {
    const existing = this.subscriptions.get(channel);
    if (existing) {
      existing.listeners.add(events);
      if (existing.subscribed) queueMicrotask(() => events.subscribed(true));
    } else {
      this.subscriptions.set(channel, { listeners: new Set([events]), subscribed: false, generation: -1 });
      this.send(channel);
    }
    return async () => {
      const subscription = this.subscriptions.get(channel);
      subscription?.listeners.delete(events);
      if (subscription?.listeners.size) return;
      this.subscriptions.delete(channel);
      if (this.subscriptions.size === 0) {
        this.connection.disconnect();
        this.onIdle();
        return;
      }
      if (this.connection.status === 'ready') {
        await withinCommandTimeout(this.connection.unsubscribe(channel), SUBSCRIBE_TIMEOUT_MS).catch(() => undefined);
      }
    };
  }

  resubscribe(channel: string): void {
    const subscription = this.subscriptions.get(channel);
    if (subscription && !subscription.subscribed && subscription.generation !== this.generation) this.send(channel);
  }

  private send(channel: string): void {
    const subscription = this.subscriptions.get(channel);
    if (!subscription || this.connection.status !== 'ready') return;
    const generation = this.generation;
    subscription.generation = generation;
    withinCommandTimeout(this.connection.subscribe(channel), SUBSCRIBE_TIMEOUT_MS).then(
      () => {
        if (this.subscriptions.get(channel) !== subscription || generation !== this.generation) return;
        subscription.subscribed = true;
        for (const listener of subscription.listeners) listener.subscribed(true);
      },
      (error: unknown) => {
        // Tried again at the channel's next heartbeat (`resubscribe`), or at the next reconnect.
        subscription.generation = -1;
        if (!this.reported) this.logger.warn(`${this.label}: SUBSCRIBE ${channel} failed: ${errorMessage(error)}`);
        this.reported = true;
      },
    );
  }

  private dropped(): void {
    this.generation++;
    for (const subscription of this.subscriptions.values()) {
      subscription.generation = -1;
      if (!subscription.subscribed) continue;
      subscription.subscribed = false;
      for (const listener of subscription.listeners) listener.subscribed(false);
    }
  }
}

/** The subscriber of each client, shared by every cache on that client. */
const subscribers = new Map<Redis | Cluster, RedisSubscriber>();

/** The subscriber connection for `client`, opened on first use and closed when its last channel unsubscribes. */
export function redisSubscriberFor(client: Redis | Cluster, label: string, logger: LoggerService): RedisSubscriber {
  let subscriber = subscribers.get(client);
  if (!subscriber) {
    subscriber = new RedisSubscriber(client, label, logger, () => subscribers.delete(client));
    subscribers.set(client, subscriber);
  }
  return subscriber;
}

function isCluster(client: Redis | Cluster): client is Cluster {
  return (client as Cluster).isCluster === true;
}
