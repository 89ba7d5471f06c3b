import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server.js';
import { RedisNodeProcess, nodeCommand, parseInfo, tryNodeCommand, waitFor } from './redis-node-process.js';

/** Options of a sentinel topology. */
export interface RedisSentinelShape {
  /** The monitored master's name (what clients pass as `name`). */
  name: string;
}

const SETTLE_TIMEOUT_MS = 20_000;
const PROBE_KEY = 'stash-topology:probe';

/**
 * One master, one replica (`--replicaof`) and three sentinels (quorum 2, down after 1 s, failover timeout 5 s),
 * all redis-server processes owned by a test on free loopback ports; sentinel configs live in a private temporary
 * directory removed by `stop()`.
 */
export class RedisSentinelTopology {
  private stopped = false;

  private constructor(
    readonly name: string,
    private readonly dir: string,
    private readonly servers: Map<number, RedisNodeProcess>,
    private readonly sentinelProcesses: RedisNodeProcess[],
  ) {}

  /** Starts the servers and sentinels and waits until every sentinel knows the replica and the two other sentinels. */
  static async start(shape: RedisSentinelShape = { name: 'stash-test' }): Promise<RedisSentinelTopology> {
    const dir = await mkdtemp(join(tmpdir(), 'stash-sentinel-'));
    const servers = new Map<number, RedisNodeProcess>();
    const sentinels: RedisNodeProcess[] = [];
    const topology = new RedisSentinelTopology(shape.name, dir, servers, sentinels);
    try {
      const masterPort = await freePort();
      const replicaPort = await freePort();
      servers.set(masterPort, new RedisNodeProcess(masterPort, serverArgs(dir, masterPort)));
      servers.set(
        replicaPort,
        new RedisNodeProcess(replicaPort, [
          ...serverArgs(dir, replicaPort),
          '--replicaof',
          '127.0.0.1',
          String(masterPort),
        ]),
      );
      await Promise.all([...servers.values()].map((server) => server.start()));
      for (let i = 0; i < 3; i++) {
        const port = await freePort();
        const conf = join(dir, `sentinel-${port}.conf`);
        await writeFile(conf, sentinelConf(port, shape.name, masterPort, dir));
        sentinels.push(new RedisNodeProcess(port, [conf, '--sentinel']));
      }
      await Promise.all(sentinels.map((sentinel) => sentinel.start()));
      await topology.waitUntilSettled(masterPort, SETTLE_TIMEOUT_MS);
      return topology;
    } catch (error) {
      await topology.stop();
      throw error;
    }
  }

  /** The sentinels' addresses (what clients pass as `sentinels`). */
  get sentinels(): { host: string; port: number }[] {
    return this.sentinelProcesses.map((sentinel) => ({ host: '127.0.0.1', port: sentinel.port }));
  }

  /** Ports of the two data servers (master and replica, in either role). */
  get serverPorts(): number[] {
    return [...this.servers.keys()];
  }

  /** The current master's port, as the first reachable sentinel reports it. */
  async master(): Promise<number> {
    for (const sentinel of this.sentinelProcesses) {
      if (!sentinel.reachable) continue;
      const port = await this.masterSeenBy(sentinel.port);
      if (port !== undefined) return port;
    }
    throw new Error(`RedisSentinelTopology: no sentinel knows the master of ${this.name}`);
  }

  /** Runs SENTINEL FAILOVER and waits until the new master is known to every sentinel and accepts writes. */
  async failover(timeoutMs = 15_000): Promise<number> {
    const old = await this.master();
    const sentinel = this.sentinelProcesses.find((candidate) => candidate.reachable);
    if (!sentinel) throw new Error('RedisSentinelTopology: no reachable sentinel');
    await nodeCommand(sentinel.port, ['SENTINEL', 'FAILOVER', this.name]);
    return this.waitForNewMaster(old, timeoutMs);
  }

  /** Sends `signal` to the server or sentinel on `port` (SIGKILL, SIGSTOP/SIGCONT). */
  async kill(port: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.process(port).signal(signal);
  }

  /** Starts the server on `port` again (the sentinels turn a former master into a replica). */
  async restart(port: number): Promise<void> {
    await this.process(port).start();
  }

  /**
   * Waits until every reachable sentinel names a master other than `oldPort`, and that server reports
   * `role:master` and accepts a write. Returns the new master's port.
   */
  async waitForNewMaster(oldPort: number, timeoutMs: number): Promise<number> {
    let current: number | undefined;
    await waitFor(
      async () => {
        const seen = await Promise.all(
          this.sentinelProcesses
            .filter((sentinel) => sentinel.reachable)
            .map((sentinel) => this.masterSeenBy(sentinel.port)),
        );
        current = seen[0];
        if (current === undefined || current === oldPort || seen.some((port) => port !== current)) return false;
        return this.acceptsWrites(current);
      },
      timeoutMs,
      `RedisSentinelTopology: no new master replaced port ${oldPort}`,
    );
    return current as number;
  }

  /** Kills every process and removes the temporary directory; safe to call more than once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.sentinelProcesses, ...this.servers.values()].map((node) => node.stop()));
    await rm(this.dir, { recursive: true, force: true });
  }

  private process(port: number): RedisNodeProcess {
    const node = this.servers.get(port) ?? this.sentinelProcesses.find((sentinel) => sentinel.port === port);
    if (!node) throw new Error(`RedisSentinelTopology: no process on port ${port}`);
    return node;
  }

  private async masterSeenBy(sentinelPort: number): Promise<number | undefined> {
    const reply = await tryNodeCommand(sentinelPort, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name]);
    return Array.isArray(reply) && reply.length === 2 ? Number(reply[1]) : undefined;
  }

  private async acceptsWrites(port: number): Promise<boolean> {
    const role = parseInfo(await tryNodeCommand(port, ['INFO', 'replication'])).get('role');
    return role === 'master' && (await tryNodeCommand(port, ['SET', PROBE_KEY, '1', 'PX', '1000'])) === 'OK';
  }

  private async waitUntilSettled(masterPort: number, timeoutMs: number): Promise<void> {
    const replicaPort = [...this.servers.keys()].find((port) => port !== masterPort);
    await waitFor(
      async () => {
        const views = await Promise.all(
          this.sentinelProcesses.map(async (sentinel) => {
            const replicas = await tryNodeCommand(sentinel.port, ['SENTINEL', 'REPLICAS', this.name]);
            const peers = await tryNodeCommand(sentinel.port, ['SENTINEL', 'SENTINELS', this.name]);
            const knowsReplica =
              Array.isArray(replicas) &&
              replicas.some(
                (fields) =>
                  fieldOf(fields, 'port') === String(replicaPort) && !String(fieldOf(fields, 'flags')).includes('down'),
              );
            return knowsReplica && Array.isArray(peers) && peers.length === this.sentinelProcesses.length - 1;
          }),
        );
        return views.every(Boolean);
      },
      timeoutMs,
      `RedisSentinelTopology: the sentinels of ${this.name} did not discover the replica and each other`,
    );
  }
}

// A replica syncs at once instead of after Redis's default 5 s wait for more replicas to join the transfer.
function serverArgs(dir: string, port: number): string[] {
  return [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    ...['--repl-diskless-sync-delay', '0'],
  ];
}

function sentinelConf(port: number, name: string, masterPort: number, dir: string): string {
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    'sentinel resolve-hostnames no',
    `sentinel monitor ${name} 127.0.0.1 ${masterPort} 2`,
    `sentinel down-after-milliseconds ${name} 1000`,
    `sentinel failover-timeout ${name} 5000`,
    '',
  ].join('\n');
}

/** A field of a SENTINEL REPLICAS/SENTINELS entry (a flat [name, value, ...] array). */
function fieldOf(entry: unknown, name: string): unknown {
  if (!Array.isArray(entry)) return undefined;
  const index = entry.indexOf(name);
  return index >= 0 && index % 2 === 0 ? entry[index + 1] : undefined;
}
