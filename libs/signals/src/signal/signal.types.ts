/** A receiver: called with the payload; a returned Promise is awaited. */
export type SignalReceiver<P> = (payload: P) => unknown;

/** The type of `payload.sender` for a payload that has one (the entity class of the entity signals). */
export type SenderOf<P> = P extends { readonly sender: infer S } ? S : unknown;

/** Options of `Signal.connect` and `@Receiver`. */
export interface ConnectOptions<P> {
  /**
   * Only payloads whose `sender` is this very value (identity, as Django) reach the receiver.
   * @default undefined (every payload)
   */
  sender?: SenderOf<P>;
  /**
   * Identifies the connection instead of the receiver function: connecting again with the same `dispatchUid`
   * and `sender` does nothing (Django's `dispatch_uid`).
   */
  dispatchUid?: string;
  /** The receiver's name in logs and results. @default the function's name (`Class.method` for `@Receiver`) */
  name?: string;
}

/** What one receiver returned, from `Signal.send`. */
export interface ReceiverResult {
  readonly receiver: string;
  readonly value: unknown;
}

/** What one receiver returned or threw, from `Signal.sendRobust`: exactly one of `value` and `error` is set. */
export interface RobustReceiverResult {
  readonly receiver: string;
  readonly value?: unknown;
  readonly error?: unknown;
}
