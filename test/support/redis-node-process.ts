import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { answersPing, waitFor } from './redis-server.js';

/**
 * One redis-server (or sentinel) process of a test topology, started with the given arguments on a known port.
 * Unlike RedisServerProcess it takes its arguments from the topology, so it can run cluster nodes and sentinels.
 */
export class RedisNodeProcess {
  private child: ChildProcess | undefined;
  private stalled = false;

  constructor(
    readonly port: number,
    private readonly args: readonly string[],
  ) {}

  /** Whether the process exists (it may be stalled by SIGSTOP). */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Whether the process is running and not stalled, so it can answer. */
  get reachable(): boolean {
    return this.running && !this.stalled;
  }

  /** Starts the process (no-op when running) and waits until it answers PING. */
  async start(): Promise<void> {
    if (this.running) return;
    this.stalled = false;
    this.child = spawn('redis-server', [...this.args], { stdio: 'ignore' });
    await waitFor(() => answersPing(this.port), 10_000, `redis-server on port ${this.port} did not answer PING`);
  }

  /** SIGSTOP/SIGCONT stall and resume it; any other signal is sent and waited for until the process exits. */
  async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
      child.kill(signal);
      this.stalled = signal === 'SIGSTOP';
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill(signal);
    await exited;
    this.stalled = false;
  }

  /** Kills the process outright: topology nodes keep no data worth a clean shutdown. */
  async stop(): Promise<void> {
    await this.signal('SIGKILL');
  }
}

/**
 * Sends one command to 127.0.0.1:`port` on a fresh connection and closes it; rejects within about `timeoutMs`
 * when the node is down or stalled.
 */
export async function nodeCommand(
  port: number,
  args: readonly (string | number)[],
  timeoutMs = 1_000,
): Promise<unknown> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const [command, ...rest] = args;
    return await client.call(String(command), ...rest.map(String));
  } finally {
    client.disconnect();
  }
}

/** Like nodeCommand, but resolves `undefined` instead of rejecting, for polling loops. */
export async function tryNodeCommand(port: number, args: readonly (string | number)[]): Promise<unknown> {
  try {
    return await nodeCommand(port, args);
  } catch {
    return undefined;
  }
}

/** The `field:value` lines of an INFO or CLUSTER INFO reply, as a map. */
export function parseInfo(reply: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of String(reply ?? '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

export { waitFor };
