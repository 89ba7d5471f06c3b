import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { waitFor } from '../../support/redis-server.js';

/** One command Redis ran, as MONITOR reports it: the command name lower-cased, then its arguments. */
export type MonitoredCommand = readonly string[];

/**
 * Every command a Redis server runs while a piece of work is in flight, read with `MONITOR` on a connection of
 * its own. Meant for a server the test owns: MONITOR sees every client of the server.
 */
export class RedisMonitor {
  private seen: MonitoredCommand[] = [];

  private constructor(
    private readonly control: Redis,
    private readonly monitor: Redis,
  ) {
    monitor.on('monitor', (_time: string, args: string[]) => {
      const [name = '', ...rest] = args;
      this.seen.push([name.toLowerCase(), ...rest]);
    });
  }

  static async start(url: string): Promise<RedisMonitor> {
    const control = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      return new RedisMonitor(control, await control.monitor());
    } catch (error) {
      control.disconnect();
      throw error;
    }
  }

  /**
   * Runs `work` and returns the commands the server ran meanwhile. MONITOR lines arrive asynchronously, so a
   * marker command sent after `work` tells when every earlier line has been read.
   */
  async during(work: () => Promise<unknown>): Promise<MonitoredCommand[]> {
    // Lines of earlier commands may still be on their way: everything before the first marker is theirs.
    await this.mark();
    this.seen = [];
    await work();
    const marker = await this.mark();
    return this.seen.slice(
      0,
      this.seen.findIndex((command) => command.includes(marker)),
    );
  }

  /** Sends a marker command and waits until MONITOR has reported it, so every earlier line has been read. */
  private async mark(): Promise<string> {
    const marker = `bad-input-monitor-marker-${randomBytes(6).toString('hex')}`;
    await this.control.exists(marker);
    await waitFor(() => this.seen.some((command) => command.includes(marker)), 5_000, 'MONITOR did not catch up');
    return marker;
  }

  async stop(): Promise<void> {
    this.monitor.disconnect();
    await this.control.quit();
  }
}

/** The commands among `commands` with an argument that contains `text`. */
export function commandsNaming(commands: readonly MonitoredCommand[], text: string): MonitoredCommand[] {
  return commands.filter((command) => command.slice(1).some((arg) => arg.includes(text)));
}

const READS = new Set(['get', 'getex', 'getdel', 'exists', 'mget', 'ttl', 'pttl', 'type', 'dump']);

/**
 * The session ids looked up by read commands among `commands`: every argument `<sessionPrefix><id>` of a GET,
 * EXISTS, MGET, TTL and the like.
 */
export function sessionIdsRead(commands: readonly MonitoredCommand[], sessionPrefix: string): string[] {
  return commands
    .filter(([name]) => READS.has(name!))
    .flatMap((command) => command.slice(1).filter((arg) => arg.startsWith(sessionPrefix)))
    .map((key) => key.slice(sessionPrefix.length));
}
