import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServerProcess, answersPing, freePort, waitFor } from '../support/redis-server.js';

// The JavaScript class takes the port in its constructor; its declaration file does not say so.
const RedisServerBase = RedisServerProcess as unknown as new (port: number) => RedisServerProcess;

/**
 * How a `PersistentRedisServer` keeps its data across a restart:
 * - `rdb`: a snapshot written when the server shuts down gracefully (SIGTERM), none while it runs;
 * - `aof-always`: an append-only file fsynced after every write, so even SIGKILL loses nothing acknowledged;
 * - `none`: nothing (the suite's default servers).
 */
export type RedisPersistence = 'rdb' | 'aof-always' | 'none';

const PERSISTENCE_ARGS: Record<RedisPersistence, readonly string[]> = {
  rdb: ['--save', '3600 1', '--appendonly', 'no'],
  'aof-always': ['--save', '', '--appendonly', 'yes', '--appendfsync', 'always'],
  none: ['--save', '', '--appendonly', 'no'],
};

/**
 * A `RedisServerProcess` (loopback only, a free port) that keeps its data in a directory of its own, so that a
 * restart on the same port (`start()` after `stop()` or `signal('SIGKILL')`) comes back with what was stored.
 * `dispose()` stops it and deletes the directory.
 */
export class PersistentRedisServer extends RedisServerBase {
  declare child: ChildProcess | undefined;

  private constructor(
    port: number,
    readonly persistence: RedisPersistence,
    readonly dir: string,
  ) {
    super(port);
  }

  static async create(persistence: RedisPersistence): Promise<PersistentRedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'stash-redis-'));
    const server = new PersistentRedisServer(await freePort(), persistence, dir);
    try {
      await server.start();
    } catch (error) {
      await server.dispose();
      throw error;
    }
    return server;
  }

  override async start(): Promise<void> {
    if (this.running) return;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--dir', this.dir];
    this.child = spawn('redis-server', [...args, ...PERSISTENCE_ARGS[this.persistence]], { stdio: 'ignore' });
    // A restart answers PING only once the RDB or AOF is loaded (LOADING replies are not +PONG).
    await waitFor(() => answersPing(this.port), 10_000, `redis-server on port ${this.port} did not answer PING`);
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
