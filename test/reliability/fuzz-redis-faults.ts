import { Redis } from 'ioredis';
import { RedisServerProcess } from '../support/redis-server.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The fuzzer's own redis-server and the Redis faults it injects into a seed: `CLIENT PAUSE WRITE` and SIGKILL
 * followed by a restart on the same port. `settle()` waits until whatever a seed started is over (the pause has
 * run out, the server is back), so the next seed starts on a running server.
 */
export class RedisFaults {
  /** Counts of injected faults, by kind. */
  readonly injected = { 'pause-write': 0, 'redis-kill': 0 };
  private pauseEndsAt = 0;
  private restarting: Promise<void> | undefined;
  private killed = false;

  private constructor(private readonly server: RedisServerProcess) {}

  static async start(): Promise<RedisFaults> {
    return new RedisFaults(await RedisServerProcess.start());
  }

  get url(): string {
    return this.server.url;
  }

  /** Whether a kill happened since the last `settle()` (sessions and every key are gone with it). */
  get killedSinceSettle(): boolean {
    return this.killed;
  }

  /** `CLIENT PAUSE <ms> WRITE` from a connection of its own: writes and scripts wait, reads answer. */
  async pauseWrites(ms: number): Promise<void> {
    const admin = new Redis(this.server.url, { maxRetriesPerRequest: 1, connectionName: 'fuzz-admin' });
    admin.on('error', () => undefined);
    try {
      await admin.call('CLIENT', 'PAUSE', String(ms), 'WRITE');
      this.pauseEndsAt = Math.max(this.pauseEndsAt, Date.now() + ms);
      this.injected['pause-write']++;
    } finally {
      admin.disconnect();
    }
  }

  /**
   * SIGKILL now (`delayMs` 0: resolves once the server is gone) or after `delayMs` (resolves at once, the kill
   * races whatever the caller does next); the server comes back `restartAfterMs` after the kill.
   */
  kill(delayMs: number, restartAfterMs: number): Promise<void> {
    this.injected['redis-kill']++;
    this.killed = true;
    const gone = (delayMs === 0 ? Promise.resolve() : sleep(delayMs)).then(() => this.server.signal('SIGKILL'));
    this.restarting = gone.then(() => sleep(restartAfterMs)).then(() => this.server.start());
    return delayMs === 0 ? gone : Promise.resolve();
  }

  /** Waits for a restart in progress and for a pause to run out; the server runs afterwards. */
  async settle(): Promise<void> {
    await this.restarting;
    this.restarting = undefined;
    if (!this.server.running) await this.server.start();
    const pauseLeft = this.pauseEndsAt - Date.now();
    if (pauseLeft > 0) await sleep(pauseLeft);
    this.killed = false;
  }

  async stop(): Promise<void> {
    await this.restarting?.catch(() => undefined);
    await this.server.stop();
  }
}
