import { Logger } from '@nestjs/common';
import { describeValue, errorMessage } from '../errors/describe-value.js';
import { SignalsConfigError } from '../errors/signals-config.error.js';
import { SIGNALS_LOG_CONTEXT } from '../signals.constants.js';
import type { ConnectOptions, ReceiverResult, RobustReceiverResult, SenderOf, SignalReceiver } from './signal.types.js';

interface Connection<P> {
  // The receiver function, or the dispatchUid when one was given (Django's lookup key, with the sender).
  readonly key: SignalReceiver<P> | string;
  readonly sender: unknown;
  readonly receiver: SignalReceiver<P>;
  readonly name: string;
}

// Process-global like the signals themselves; Nest's Logger follows app.useLogger(...).
const logger = new Logger(SIGNALS_LOG_CONTEXT);

/**
 * A Django-style signal: receivers connect to it, senders send a payload to all of them. Signals are plain,
 * process-global objects (a module-level constant, like Django's), not Nest providers: every app in the process
 * shares their receivers.
 * @example
 * export const recipePublished = new Signal<{ sender: typeof Recipe; recipe: Recipe }>('recipePublished');
 * recipePublished.connect(({ recipe }) => notify(recipe), { sender: Recipe });
 * await recipePublished.send({ sender: Recipe, recipe });
 */
export class Signal<P = unknown> {
  private connections: readonly Connection<P>[] = [];

  /** @param name the signal's name in logs. */
  constructor(readonly name: string) {
    if (typeof name !== 'string' || name === '') throw new SignalsConfigError('name', name, 'a non-empty string');
  }

  /**
   * Connects a receiver. Connecting the same function (or the same `dispatchUid`) with the same `sender` again
   * does nothing. Receivers are held strongly (not Django's weak references): disconnect them when done.
   * @returns a function that disconnects this connection (a no-op when the connect itself was one).
   * @throws SignalsConfigError when `receiver` is not a function or `dispatchUid` is not a non-empty string.
   */
  connect(receiver: SignalReceiver<P>, options: ConnectOptions<P> = {}): () => void {
    if (typeof receiver !== 'function') throw new SignalsConfigError('receiver', receiver, 'a function');
    const { dispatchUid, sender } = options;
    if (dispatchUid !== undefined && (typeof dispatchUid !== 'string' || dispatchUid === '')) {
      throw new SignalsConfigError('dispatchUid', dispatchUid, 'a non-empty string');
    }
    const key = dispatchUid ?? receiver;
    if (this.connections.some((c) => c.key === key && c.sender === sender)) return () => undefined;
    const connection: Connection<P> = { key, sender, receiver, name: options.name ?? (receiver.name || 'anonymous') };
    // Copy-on-write: a send already in progress keeps the list it started with.
    this.connections = [...this.connections, connection];
    return () => {
      this.connections = this.connections.filter((c) => c !== connection);
    };
  }

  /**
   * Disconnects a receiver function, or the connections made with a `dispatchUid`: for every sender, or only
   * for `options.sender` when it is given.
   * @returns true when something was disconnected.
   */
  disconnect(receiverOrDispatchUid: SignalReceiver<P> | string, options?: { sender?: SenderOf<P> }): boolean {
    const bySender = options !== undefined && 'sender' in options;
    const before = this.connections.length;
    this.connections = this.connections.filter(
      (c) => !(c.key === receiverOrDispatchUid && (!bySender || c.sender === options.sender)),
    );
    return this.connections.length !== before;
  }

  /**
   * True when a payload from `sender` would reach a receiver; without a sender, when any receiver is connected
   * at all (Django's `has_listeners(None)` counts only receivers connected without a sender).
   */
  hasReceivers(sender?: SenderOf<P>): boolean {
    if (sender === undefined) return this.connections.length > 0;
    return this.connections.some((c) => c.sender === undefined || c.sender === sender);
  }

  /**
   * Calls the matching receivers one after another, in connection order, awaiting each. The first error stops
   * the dispatch and propagates (Django's `send`).
   * @returns each receiver's name and return value, in call order.
   */
  async send(payload: P): Promise<ReceiverResult[]> {
    const results: ReceiverResult[] = [];
    for (const connection of this.matching(payload)) {
      results.push({ receiver: connection.name, value: await connection.receiver(payload) });
    }
    return results;
  }

  /**
   * Calls every matching receiver like `send`, but never throws: each error is logged (Nest `Logger`, context
   * `Signals`, naming the signal, the sender and the receiver) and returned in its receiver's result.
   */
  async sendRobust(payload: P): Promise<RobustReceiverResult[]> {
    const results: RobustReceiverResult[] = [];
    for (const connection of this.matching(payload)) {
      try {
        results.push({ receiver: connection.name, value: await connection.receiver(payload) });
      } catch (error) {
        logger.error(
          `Receiver ${connection.name} of signal "${this.name}" failed for sender ${senderName(payload)}: ` +
            errorMessage(error),
          error instanceof Error ? error.stack : undefined,
        );
        results.push({ receiver: connection.name, error });
      }
    }
    return results;
  }

  private matching(payload: P): readonly Connection<P>[] {
    const sender = senderOf(payload);
    return this.connections.filter((c) => c.sender === undefined || c.sender === sender);
  }
}

function senderOf(payload: unknown): unknown {
  return typeof payload === 'object' && payload !== null ? (payload as { sender?: unknown }).sender : undefined;
}

function senderName(payload: unknown): string {
  const sender = senderOf(payload);
  if (sender === undefined) return '(none)';
  return typeof sender === 'function' && sender.name ? sender.name : describeValue(sender);
}
