import { spawn, type ChildProcess } from 'node:child_process';
import { RedisServerProcess, answersPing, freePort, waitFor } from '../support/redis-server.js';

// The JavaScript class takes the port in its constructor; its declaration file does not say so.
const RedisServerBase = RedisServerProcess as unknown as new (port: number) => RedisServerProcess;

/**
 * A `RedisServerProcess` (same flags: no persistence, loopback only, a free port) that also accepts `DEBUG` from
 * local connections, for `DEBUG SLEEP` stalls. Redis 7 refuses `DEBUG` unless started with
 * `enable-debug-command`, which `CONFIG SET` cannot change. `signal` and `stop` are the base class's.
 */
export class DebuggableRedisServer extends RedisServerBase {
  declare child: ChildProcess | undefined;

  static async start(port?: number): Promise<DebuggableRedisServer> {
    const server = new DebuggableRedisServer(port ?? (await freePort()));
    await server.start();
    return server;
  }

  override async start(): Promise<void> {
    if (this.running) return;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    args.push('--protected-mode', 'yes', '--enable-debug-command', 'local');
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitFor(() => answersPing(this.port), 10_000, `redis-server on port ${this.port} did not answer PING`);
  }
}
