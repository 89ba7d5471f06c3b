/** What a coherence channel's transport tells it about its subscription. */
export interface SubscriptionEvents {
  /** A message published on the channel (by any process, this one included), in the order Redis delivered it. */
  message(text: string): void;
  /** The channel became subscribed (true), or the subscriber connection lost it (false). */
  subscribed(subscribed: boolean): void;
}

/** How a coherence channel reaches the other processes: Redis pub/sub, or nothing for in-process stores. */
export interface CoherenceTransport {
  /** Publishes on the channel; rejects on a fault or after `timeoutMs`. */
  publish(channel: string, text: string, timeoutMs: number): Promise<void>;
  /** Subscribes to the channel (and again after every reconnect) until the returned function is called. */
  subscribe(channel: string, events: SubscriptionEvents): () => Promise<void>;
  /** Sends SUBSCRIBE again if the connection is up and the channel is not subscribed. */
  resubscribe(channel: string): void;
}
