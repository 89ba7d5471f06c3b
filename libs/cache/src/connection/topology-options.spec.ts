import { clusterFailFast, sentinelFailFast } from './topology-options.js';

describe('clusterFailFast', () => {
  it.each<[number, number]>([
    [50, 10],
    [200, 40],
    [500, 100],
    [5_000, 100],
  ])('with a %i ms command timeout spaces cluster retries %i ms apart', (commandTimeoutMs, delayMs) => {
    const options = clusterFailFast(commandTimeoutMs);
    expect(options).toMatchObject({
      enableOfflineQueue: false,
      retryDelayOnFailover: delayMs,
      retryDelayOnClusterDown: delayMs,
      retryDelayOnTryAgain: delayMs,
    });
  });

  it.each([100, 200, 500, 2_000])(
    'keeps every retry of a %i ms command within about one command timeout',
    (commandTimeoutMs) => {
      const options = clusterFailFast(commandTimeoutMs);
      const retriesMs = options.maxRedirections! * options.retryDelayOnTryAgain!;
      expect(retriesMs).toBeLessThanOrEqual(Math.max(commandTimeoutMs, 50));
    },
  );
});

describe('sentinelFailFast', () => {
  it.each<[string, boolean]>([
    ["READONLY You can't write against a read only replica.", true],
    ['WRONGTYPE Operation against a key holding the wrong kind of value', false],
  ])('reconnects on %s -> %s', (message, expected) => {
    expect(Boolean(sentinelFailFast(500).reconnectOnError!(new Error(message)))).toBe(expected);
  });
});
