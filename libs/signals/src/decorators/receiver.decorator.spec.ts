import { RECEIVER_METADATA } from '../signals.constants.js';
import { Signal } from '../signal/signal.js';
import { Receiver, type ReceiverMetadata } from './receiver.decorator.js';

const first = new Signal<{ sender: unknown }>('first');
const second = new Signal<{ sender: unknown }>('second');
class Recipe {}

class Receivers {
  @Receiver(first)
  @Receiver(second, { sender: Recipe, dispatchUid: 'uid' })
  both(): void {}

  @Receiver(first)
  one(): void {}
}

function metadataOf(method: unknown): ReceiverMetadata[] {
  return Reflect.getMetadata(RECEIVER_METADATA, method as object) as ReceiverMetadata[];
}

describe('@Receiver', () => {
  it('stacks, in source order, with its options', () => {
    expect(metadataOf(Receivers.prototype.both)).toEqual([
      { signal: first, options: { sender: undefined, dispatchUid: undefined } },
      { signal: second, options: { sender: Recipe, dispatchUid: 'uid' } },
    ]);
    expect(metadataOf(Receivers.prototype.one)).toHaveLength(1);
  });

  it.each([
    ['a non-signal', () => Receiver({} as never)],
    ['an empty dispatchUid', () => Receiver(first, { dispatchUid: '' })],
    [
      'a static method',
      () => Receiver(first)(Receivers, 'create', { value: () => undefined } as TypedPropertyDescriptor<unknown>),
    ],
    [
      'an accessor',
      () => Receiver(first)(Receivers.prototype, 'x', { get: () => 1 } as TypedPropertyDescriptor<unknown>),
    ],
  ])('refuses %s', (_, apply) => {
    expect(apply).toThrow(/Invalid signals option "@Receiver/);
  });
});
