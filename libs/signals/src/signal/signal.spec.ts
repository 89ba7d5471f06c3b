import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Signal } from './signal.js';

class Recipe {}
class Food {}

interface Payload {
  sender: unknown;
  value?: number;
}

describe('Signal', () => {
  let errors: ReturnType<typeof jest.spyOn>;

  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    errors.mockRestore();
  });

  describe('send', () => {
    it('calls receivers in connect order, awaiting each before the next', async () => {
      const signal = new Signal<Payload>('test');
      const calls: string[] = [];
      signal.connect(async function first() {
        calls.push('first:start');
        await new Promise((resolve) => setImmediate(resolve));
        calls.push('first:end');
        return 1;
      });
      signal.connect(function second() {
        calls.push('second');
        return 2;
      });
      const results = await signal.send({ sender: Recipe });
      expect(calls).toEqual(['first:start', 'first:end', 'second']);
      expect(results).toEqual([
        { receiver: 'first', value: 1 },
        { receiver: 'second', value: 2 },
      ]);
    });

    it('propagates the first error and calls no later receiver', async () => {
      const signal = new Signal<Payload>('test');
      const later = jest.fn();
      signal.connect(() => {
        throw new Error('boom');
      });
      signal.connect(later);
      await expect(signal.send({ sender: Recipe })).rejects.toThrow('boom');
      expect(later).not.toHaveBeenCalled();
    });

    it('propagates an async rejection', async () => {
      const signal = new Signal<Payload>('test');
      signal.connect(async () => Promise.reject(new Error('async boom')));
      await expect(signal.send({ sender: Recipe })).rejects.toThrow('async boom');
    });

    it('returns an empty list when nobody listens', async () => {
      await expect(new Signal<Payload>('test').send({ sender: Recipe })).resolves.toEqual([]);
    });
  });

  describe('sendRobust', () => {
    it('calls every receiver, collects errors and logs them with signal, sender and receiver', async () => {
      const signal = new Signal<Payload>('recipeChanged');
      const failure = new Error('broken receiver');
      signal.connect(function failing() {
        throw failure;
      });
      signal.connect(async function rejecting() {
        throw 'plain string';
      });
      signal.connect(function working() {
        return 'ok';
      });
      const results = await signal.sendRobust({ sender: Recipe });
      expect(results).toEqual([
        { receiver: 'failing', error: failure },
        { receiver: 'rejecting', error: 'plain string' },
        { receiver: 'working', value: 'ok' },
      ]);
      expect(errors).toHaveBeenCalledTimes(2);
      const [message, stack] = errors.mock.calls[0] as [string, string | undefined];
      expect(message).toContain('failing');
      expect(message).toContain('"recipeChanged"');
      expect(message).toContain('Recipe');
      expect(message).toContain('broken receiver');
      expect(stack).toContain('broken receiver');
      expect(errors.mock.calls[1]![0]).toContain('"plain string"');
    });

    it('never throws, whatever the receivers do', async () => {
      const signal = new Signal<Payload>('test');
      signal.connect(() => {
        throw undefined;
      });
      await expect(signal.sendRobust({ sender: 'a string sender' })).resolves.toEqual([
        { receiver: 'anonymous', error: undefined },
      ]);
      expect(errors.mock.calls[0]![0]).toContain('"a string sender"');
    });
  });

  describe('sender filter', () => {
    const cases: { sent: unknown; receives: string[] }[] = [
      { sent: Recipe, receives: ['any', 'recipes'] },
      { sent: Food, receives: ['any', 'foods'] },
      { sent: undefined, receives: ['any'] },
      // Identity, not structure: a subclass is another sender (as in Django).
      { sent: class SpecialRecipe extends Recipe {}, receives: ['any'] },
    ];

    it.each(cases)('a payload from $sent reaches $receives', async ({ sent, receives }) => {
      const signal = new Signal<Payload>('test');
      signal.connect(function any() {});
      signal.connect(function recipes() {}, { sender: Recipe });
      signal.connect(function foods() {}, { sender: Food });
      const results = await signal.send({ sender: sent });
      expect(results.map((r) => r.receiver)).toEqual(receives);
    });

    it('hasReceivers answers for a sender, or for anyone', () => {
      const signal = new Signal<Payload>('test');
      expect(signal.hasReceivers()).toBe(false);
      signal.connect(() => undefined, { sender: Recipe });
      expect(signal.hasReceivers()).toBe(true);
      expect(signal.hasReceivers(Recipe)).toBe(true);
      expect(signal.hasReceivers(Food)).toBe(false);
    });
  });

  describe('connect and disconnect', () => {
    const receiver = () => 'r';

    const cases: { story: string; connects: Parameters<Signal<Payload>['connect']>[1][]; calls: number }[] = [
      { story: 'the same function twice', connects: [{}, {}], calls: 1 },
      { story: 'the same function for two senders', connects: [{ sender: Recipe }, { sender: undefined }], calls: 2 },
      { story: 'the same dispatchUid twice', connects: [{ dispatchUid: 'x' }, { dispatchUid: 'x' }], calls: 1 },
      {
        story: 'the same dispatchUid for two senders',
        connects: [
          { dispatchUid: 'x', sender: Recipe },
          { dispatchUid: 'x', sender: undefined },
        ],
        calls: 2,
      },
      { story: 'two dispatchUids', connects: [{ dispatchUid: 'x' }, { dispatchUid: 'y' }], calls: 2 },
      { story: 'with and without a dispatchUid', connects: [{ dispatchUid: 'x' }, {}], calls: 2 },
    ];

    it.each(cases)('connecting $story calls the receiver $calls time(s)', async ({ connects, calls }) => {
      const signal = new Signal<Payload>('test');
      const spy = jest.fn(receiver);
      for (const options of connects) signal.connect(spy, options);
      await signal.send({ sender: Recipe });
      expect(spy).toHaveBeenCalledTimes(calls);
    });

    it('a dispatchUid de-duplicates different functions (the first one stays)', async () => {
      const signal = new Signal<Payload>('test');
      signal.connect(function first() {}, { dispatchUid: 'uid' });
      signal.connect(function second() {}, { dispatchUid: 'uid' });
      expect((await signal.send({ sender: Recipe })).map((r) => r.receiver)).toEqual(['first']);
    });

    it('the returned function disconnects that connection only; a duplicate connect returns a no-op', async () => {
      const signal = new Signal<Payload>('test');
      const spy = jest.fn();
      const disconnect = signal.connect(spy, { dispatchUid: 'uid' });
      const duplicate = signal.connect(() => undefined, { dispatchUid: 'uid' });
      duplicate();
      await signal.send({ sender: Recipe });
      expect(spy).toHaveBeenCalledTimes(1);
      disconnect();
      await signal.send({ sender: Recipe });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(signal.hasReceivers()).toBe(false);
    });

    it.each([
      ['by function, for every sender', (s: Signal<Payload>, f: () => void) => s.disconnect(f), ['uid']],
      [
        'by function and sender',
        (s: Signal<Payload>, f: () => void) => s.disconnect(f, { sender: Recipe }),
        ['food', 'uid'],
      ],
      ['by dispatchUid', (s: Signal<Payload>) => s.disconnect('uid'), ['recipe', 'food']],
    ] as const)('disconnect %s', async (_, disconnect, remaining) => {
      const signal = new Signal<Payload>('test');
      const fn = () => undefined;
      signal.connect(fn, { sender: Recipe, name: 'recipe' });
      signal.connect(fn, { sender: Food, name: 'food' });
      signal.connect(() => undefined, { sender: Food, dispatchUid: 'uid', name: 'uid' });
      expect(disconnect(signal, fn)).toBe(true);
      const reached = [...(await signal.send({ sender: Recipe })), ...(await signal.send({ sender: Food }))];
      expect(reached.map((r) => r.receiver)).toEqual([...remaining]);
    });

    it('disconnect reports false when nothing matched', () => {
      expect(new Signal<Payload>('test').disconnect('nothing')).toBe(false);
    });

    it('a receiver connected during a send is called from the next send on', async () => {
      const signal = new Signal<Payload>('test');
      const late = jest.fn();
      signal.connect(() => void signal.connect(late));
      await signal.send({ sender: Recipe });
      expect(late).not.toHaveBeenCalled();
      await signal.send({ sender: Recipe });
      expect(late).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['a non-function receiver', (s: Signal<Payload>) => s.connect('nope' as never)],
      ['an empty dispatchUid', (s: Signal<Payload>) => s.connect(() => undefined, { dispatchUid: '' })],
      ['an empty name', () => new Signal('')],
    ])('refuses %s', (_, call) => {
      expect(() => call(new Signal<Payload>('test'))).toThrow(/Invalid signals option/);
    });
  });
});
