import { RedisServerProcess } from '../../../../test/support/redis-server.js';

/** What a fault test kills or stalls: a redis-server of its own for each test, and the caches opened on it. */
export interface RedisServerPerTest {
  /** This test's server (started before it). */
  readonly server: RedisServerProcess;
  /** Closes `cache` after the test, before its server stops. */
  track<T extends { close(): Promise<unknown> }>(cache: T): T;
}

/**
 * Registers `beforeEach`/`afterEach` hooks that give every test of the enclosing `describe` a private redis-server,
 * and after the test resume it (a test may leave it stopped with SIGSTOP), close the tracked caches and stop it.
 */
export function redisServerPerTest(): RedisServerPerTest {
  let server: RedisServerProcess | undefined;
  const tracked: { close(): Promise<unknown> }[] = [];
  beforeEach(async () => {
    server = await RedisServerProcess.start();
  });
  afterEach(async () => {
    await server?.signal('SIGCONT');
    await Promise.all(tracked.splice(0).map((cache) => cache.close()));
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('redisServerPerTest(): the server exists only inside a test');
      return server;
    },
    track(cache) {
      tracked.push(cache);
      return cache;
    },
  };
}
