import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
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
    private readonly socket: Socket,
  ) {
    // A raw socket, not ioredis's monitor(): ioredis leaves monitoring mode off until the reply to MONITOR has
    // gone through a promise, so a command line that arrives in the same chunk as that reply (another client's
    // ready check, the app's outbox sweep) throws "Command queue state error" out of its socket handler.
    createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => {
      const args = parseMonitorLine(line);
      if (args) this.seen.push([args[0]!.toLowerCase(), ...args.slice(1)]);
    });
  }

  static async start(url: string): Promise<RedisMonitor> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.setEncoding('utf8');
    socket.on('error', () => undefined); // a closed server ends the monitor; the assertions say what is missing
    await once(socket, 'connect');
    socket.write('MONITOR\r\n');
    const control = new Redis(url, { maxRetriesPerRequest: 1 });
    return new RedisMonitor(control, socket);
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
    this.socket.destroy();
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

/**
 * The arguments of one MONITOR line (`+1795476499.222107 [0 127.0.0.1:56320] "get" "key"`), unescaped; undefined
 * for any other line (the `+OK` that starts monitoring).
 */
function parseMonitorLine(line: string): string[] | undefined {
  if (!/^\+\d+\.\d+ \[/.test(line)) return undefined;
  const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => unescapeArgument(match[1]!));
  return args.length > 0 ? args : undefined;
}

// Redis escapes non-printable bytes as \xHH (a UTF-8 character as several): decode bytes, then UTF-8.
function unescapeArgument(text: string): string {
  const bytes: number[] = [];
  const named: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8 };
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    } else if (text[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      const escaped = text[++i] ?? '';
      bytes.push(...(escaped in named ? [named[escaped]!] : Buffer.from(escaped, 'utf8')));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
