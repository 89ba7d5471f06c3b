import { CommandTimeoutError } from '../errors/command-timeout.error.js';
import { isConnectivityError } from '../faults/connectivity-error.js';
import { withinCommandTimeout } from './command-timeout.js';

const TIMEOUT_MS = 20;

/** A command whose reply comes after `ms` (a timer stands in for the socket). */
function replyAfter<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

describe('withinCommandTimeout', () => {
  it('settles with the reply when it comes in time', async () => {
    await expect(withinCommandTimeout(replyAfter(1, 'OK'), TIMEOUT_MS)).resolves.toBe('OK');
  });

  it("passes the command's own rejection through", async () => {
    const closed = new Error('Connection is closed.');
    await expect(withinCommandTimeout(Promise.reject(closed), TIMEOUT_MS)).rejects.toBe(closed);
  });

  it('rejects with CommandTimeoutError, a connectivity fault, when no reply comes', async () => {
    const error = await withinCommandTimeout(new Promise(() => undefined), TIMEOUT_MS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandTimeoutError);
    expect(error).toMatchObject({ name: 'CommandTimeoutError', timeoutMs: TIMEOUT_MS });
    expect(isConnectivityError(error)).toBe(true);
  });

  it('takes a reply that becomes available in the same turn of the event loop as its deadline', async () => {
    // Both timers expire in one timers phase, the deadline's first: the reply still wins, as a reply waiting in
    // the socket does when the loop was busy past the deadline (ioredis's own timer would reject it).
    let reply!: (value: string) => void;
    const command = withinCommandTimeout(new Promise<string>((resolve) => (reply = resolve)), TIMEOUT_MS);
    setTimeout(() => reply('OK'), TIMEOUT_MS);
    const until = performance.now() + 2 * TIMEOUT_MS;
    while (performance.now() < until) {
      // Busy past both timers.
    }
    await expect(command).resolves.toBe('OK');
  });
});
