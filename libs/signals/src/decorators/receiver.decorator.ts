import { SignalsConfigError } from '../errors/signals-config.error.js';
import { Signal } from '../signal/signal.js';
import type { ConnectOptions } from '../signal/signal.types.js';
import { RECEIVER_METADATA } from '../signals.constants.js';

/** Options of `@Receiver`: `sender` filters payloads by identity, `dispatchUid` de-duplicates connections. */
export type ReceiverOptions<P> = Pick<ConnectOptions<P>, 'sender' | 'dispatchUid'>;

/** One `@Receiver` on a method. @internal */
export interface ReceiverMetadata {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one method may receive signals of any payload.
  readonly signal: Signal<any>;
  readonly options: ReceiverOptions<unknown>;
}

/**
 * Connects the method to `signal` when the application bootstraps (with `SignalsModule` imported), bound to
 * the provider instance, and disconnects it at shutdown. Stackable: one method can receive several signals or
 * senders. The method's provider must be a singleton (request-scoped and transient providers are skipped with a
 * warning).
 * @param signal the signal to receive, e.g. `postSaveCommitted`.
 * @param options `sender` (only payloads from this sender, e.g. an entity class) and `dispatchUid`.
 * @throws SignalsConfigError when applied to something other than an instance method, or without a Signal.
 * @example
 * @Receiver(postSaveCommitted, { sender: Recipe })
 * async recipeSaved({ instance }: EntitySavePayload<Recipe>) { await this.search.index(instance); }
 */
export function Receiver<P>(signal: Signal<P>, options: ReceiverOptions<P> = {}): MethodDecorator {
  if (!(signal instanceof Signal)) throw new SignalsConfigError('@Receiver(signal)', signal, 'a Signal');
  const uid = options.dispatchUid;
  if (uid !== undefined && (typeof uid !== 'string' || uid === '')) {
    throw new SignalsConfigError('@Receiver dispatchUid', uid, 'a non-empty string');
  }
  const entry: ReceiverMetadata = { signal, options: { sender: options.sender, dispatchUid: uid } };
  return (target, propertyKey, descriptor) => {
    if (typeof target === 'function') {
      throw new SignalsConfigError('@Receiver target', `static ${String(propertyKey)}`, 'an instance method');
    }
    const method: unknown = descriptor.value;
    if (typeof method !== 'function') {
      throw new SignalsConfigError('@Receiver target', String(propertyKey), 'a method (not a property or accessor)');
    }
    const existing = (Reflect.getMetadata(RECEIVER_METADATA, method) as ReceiverMetadata[] | undefined) ?? [];
    // Decorators apply bottom-up; prepending keeps the metadata in source order.
    Reflect.defineMetadata(RECEIVER_METADATA, [entry, ...existing], method);
  };
}
