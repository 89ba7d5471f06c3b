import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server.js';
import { RedisNodeProcess, nodeCommand, parseInfo, tryNodeCommand, waitFor } from './redis-node-process.js';

/** Shape of a cluster to start. */
export interface RedisClusterShape {
  /** Number of masters (at least 3, as `redis-cli --cluster create` requires). */
  masters: number;
  /** Replicas per master. */
  replicasPerMaster: number;
}

/** One node as the cluster sees it (a line of CLUSTER NODES). */
export interface ClusterNodeView {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** The node is flagged `fail` or `fail?` by the node that answered. */
  failing: boolean;
  /** For a replica: its master's node id. */
  masterId: string | undefined;
  /** Slot ranges served (inclusive), empty for replicas. */
  slots: [number, number][];
}

const SETTLE_TIMEOUT_MS = 20_000;

/**
 * A Redis Cluster owned by a test: `masters × (1 + replicasPerMaster)` redis-server processes on free loopback
 * ports, no persistence, config files in a private temporary directory removed by `stop()`.
 */
export class RedisClusterTopology {
  private stopped = false;

  private constructor(
    private readonly dir: string,
    private readonly processes: Map<number, RedisNodeProcess>,
  ) {}

  /** Starts the processes, creates the cluster and waits until it is ok everywhere and every replica is in sync. */
  static async start(shape: RedisClusterShape = { masters: 3, replicasPerMaster: 1 }): Promise<RedisClusterTopology> {
    const dir = await mkdtemp(join(tmpdir(), 'stash-cluster-'));
    const processes = new Map<number, RedisNodeProcess>();
    const topology = new RedisClusterTopology(dir, processes);
    try {
      const count = shape.masters * (1 + shape.replicasPerMaster);
      for (let i = 0; i < count; i++) {
        const port = await freePort();
        processes.set(port, new RedisNodeProcess(port, clusterNodeArgs(dir, port)));
      }
      await Promise.all([...processes.values()].map((node) => node.start()));
      await createCluster([...processes.keys()], shape.replicasPerMaster);
      await topology.waitUntilSettled(SETTLE_TIMEOUT_MS);
      return topology;
    } catch (error) {
      await topology.stop();
      throw error;
    }
  }

  /** Every node's address (the seed list for an ioredis Cluster). */
  get nodes(): { host: string; port: number }[] {
    return [...this.processes.keys()].map((port) => ({ host: '127.0.0.1', port }));
  }

  /** The cluster's current view, from the first reachable node. */
  async view(): Promise<ClusterNodeView[]> {
    for (const node of this.processes.values()) {
      if (!node.reachable) continue;
      const reply = await tryNodeCommand(node.port, ['CLUSTER', 'NODES']);
      if (typeof reply === 'string') return parseClusterNodes(reply);
    }
    throw new Error('RedisClusterTopology: no node answered CLUSTER NODES');
  }

  /** Masters serving slots right now (not flagged failing). */
  async masters(): Promise<ClusterNodeView[]> {
    return (await this.view()).filter((node) => node.role === 'master' && !node.failing && node.slots.length > 0);
  }

  /** Replicas right now. */
  async replicas(): Promise<ClusterNodeView[]> {
    return (await this.view()).filter((node) => node.role === 'replica');
  }

  /** The master serving `key`'s hash slot. */
  async masterOf(key: string): Promise<ClusterNodeView> {
    const slot = await this.slotOf(key);
    const master = (await this.masters()).find((node) => node.slots.some(([lo, hi]) => slot >= lo && slot <= hi));
    if (!master) throw new Error(`RedisClusterTopology: no master serves slot ${slot} (key ${key})`);
    return master;
  }

  /** `key`'s hash slot, as the cluster computes it. */
  async slotOf(key: string): Promise<number> {
    const node = [...this.processes.values()].find((candidate) => candidate.reachable);
    if (!node) throw new Error('RedisClusterTopology: no reachable node');
    return Number(await nodeCommand(node.port, ['CLUSTER', 'KEYSLOT', key]));
  }

  /** Sends `signal` to the node on `port`: SIGKILL makes it vanish, SIGSTOP/SIGCONT stall and resume it. */
  async kill(port: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.process(port).signal(signal);
  }

  /**
   * Starts the node on `port` again with its config file, so it rejoins as the same node (a replica after a
   * failover), and waits until every reachable node sees it healthy and in the same role.
   */
  async restart(port: number, timeoutMs = 15_000): Promise<void> {
    await this.process(port).start();
    await waitFor(
      async () => {
        const reachable = [...this.processes.values()].filter((node) => node.reachable);
        const views = await Promise.all(reachable.map((node) => tryNodeCommand(node.port, ['CLUSTER', 'NODES'])));
        const seen = views.map((reply) =>
          typeof reply === 'string' ? parseClusterNodes(reply).find((node) => node.port === port) : undefined,
        );
        return seen.every((node) => node !== undefined && !node.failing && node.role === seen[0]?.role);
      },
      timeoutMs,
      `RedisClusterTopology: the node on port ${port} did not rejoin`,
    );
  }

  /**
   * Moves one hash slot and its keys to the master on `targetPort` the way `redis-cli --cluster reshard` does
   * (SETSLOT IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE), one key per MIGRATE with `pauseMs` between keys, so
   * clients meet the slot half-moved (ASK, TRYAGAIN) and then moved (MOVED). Returns how many keys moved.
   */
  async migrateSlot(slot: number, targetPort: number, pauseMs = 0): Promise<number> {
    const view = await this.view();
    const source = view.find(
      (node) => node.role === 'master' && !node.failing && node.slots.some(([lo, hi]) => slot >= lo && slot <= hi),
    );
    const target = view.find((node) => node.port === targetPort && node.role === 'master');
    if (!source || !target) throw new Error(`RedisClusterTopology: cannot move slot ${slot} to port ${targetPort}`);
    if (source.port === target.port) return 0;
    await nodeCommand(target.port, ['CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id]);
    await nodeCommand(source.port, ['CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id]);
    let moved = 0;
    for (;;) {
      const keys = (await nodeCommand(source.port, ['CLUSTER', 'GETKEYSINSLOT', slot, 10])) as string[];
      if (keys.length === 0) break;
      for (const key of keys) {
        await nodeCommand(source.port, ['MIGRATE', '127.0.0.1', target.port, '', 0, 5_000, 'REPLACE', 'KEYS', key]);
        moved++;
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
    const others = view.filter((node) => node.role === 'master' && !node.failing && node !== source && node !== target);
    for (const node of [target, source, ...others]) {
      await nodeCommand(node.port, ['CLUSTER', 'SETSLOT', slot, 'NODE', target.id]);
    }
    return moved;
  }

  /**
   * Waits until the node on `deadPort` no longer serves slots, every slot is served by a healthy master and every
   * reachable node reports `cluster_state:ok`. Returns the port of the master that took over `deadPort`'s slots.
   */
  async waitForFailover(deadPort: number, timeoutMs: number): Promise<number> {
    const before = (await this.view()).find((node) => node.port === deadPort);
    const firstSlot = before?.slots[0]?.[0];
    let promoted: number | undefined;
    await waitFor(
      async () => {
        const masters = await this.masters().catch(() => []);
        if (masters.some((node) => node.port === deadPort)) return false;
        if (slotCount(masters) !== 16_384) return false;
        promoted = masters.find((node) =>
          node.slots.some(([lo, hi]) => firstSlot !== undefined && firstSlot >= lo && firstSlot <= hi),
        )?.port;
        return this.clusterOkEverywhere();
      },
      timeoutMs,
      `RedisClusterTopology: no failover of the master on port ${deadPort}`,
    );
    if (promoted === undefined)
      throw new Error(`RedisClusterTopology: port ${deadPort} served no slots before failover`);
    return promoted;
  }

  /** Waits until every reachable node reports `cluster_state:ok` and every replica's link to its master is up. */
  async waitUntilSettled(timeoutMs: number): Promise<void> {
    await waitFor(
      async () => (await this.clusterOkEverywhere()) && (await this.replicasInSync()),
      timeoutMs,
      'RedisClusterTopology: the cluster did not settle (cluster_state:ok, replicas in sync)',
    );
  }

  /** Kills every node and removes the temporary directory; safe to call more than once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.processes.values()].map((node) => node.stop()));
    await rm(this.dir, { recursive: true, force: true });
  }

  private process(port: number): RedisNodeProcess {
    const node = this.processes.get(port);
    if (!node)
      throw new Error(
        `RedisClusterTopology: no node on port ${port} (nodes: ${[...this.processes.keys()].join(', ')})`,
      );
    return node;
  }

  private async clusterOkEverywhere(): Promise<boolean> {
    const reachable = [...this.processes.values()].filter((node) => node.reachable);
    const states = await Promise.all(
      reachable.map(async (node) =>
        parseInfo(await tryNodeCommand(node.port, ['CLUSTER', 'INFO'])).get('cluster_state'),
      ),
    );
    return reachable.length > 0 && states.every((state) => state === 'ok');
  }

  private async replicasInSync(): Promise<boolean> {
    const replicas = await this.replicas();
    const links = await Promise.all(
      replicas.map(async (replica) => {
        const info = parseInfo(await tryNodeCommand(replica.port, ['INFO', 'replication']));
        return info.get('master_link_status') === 'up' && info.get('master_sync_in_progress') === '0';
      }),
    );
    return links.every(Boolean);
  }
}

function clusterNodeArgs(dir: string, port: number): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    join(dir, `nodes-${port}.conf`),
    '--cluster-node-timeout',
    '1000',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    // Replicas sync at once instead of after Redis's default 5 s wait for more replicas to join the transfer.
    '--repl-diskless-sync-delay',
    '0',
  ];
}

async function createCluster(ports: number[], replicasPerMaster: number): Promise<void> {
  const args = ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`)];
  args.push('--cluster-replicas', String(replicasPerMaster), '--cluster-yes');
  const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`redis-cli --cluster create exited with ${code}:\n${output}`);
}

/** Parses CLUSTER NODES (one node per line: id addr flags master ping pong epoch link slots...). */
export function parseClusterNodes(reply: string): ClusterNodeView[] {
  return reply
    .trim()
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [id, address, flags, master, , , , , ...slotFields] = line.trim().split(' ');
      const port = Number(address.split('@')[0].split(':').pop());
      const flagList = flags.split(',');
      const slots = slotFields
        .filter((field) => !field.startsWith('['))
        .map((field): [number, number] => {
          const [lo, hi] = field.split('-').map(Number);
          return [lo, hi ?? lo];
        });
      return {
        id,
        port,
        role: flagList.includes('master') ? 'master' : 'replica',
        failing: flagList.includes('fail') || flagList.includes('fail?'),
        masterId: master === '-' ? undefined : master,
        slots,
      };
    });
}

function slotCount(masters: ClusterNodeView[]): number {
  return masters.reduce((sum, node) => sum + node.slots.reduce((n, [lo, hi]) => n + hi - lo + 1, 0), 0);
}
