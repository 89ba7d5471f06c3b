import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { GC_PROBE_NODE_OPTIONS, GcProbe, type ProbeReading, type ProbeTarget } from './memory-gc-probe.js';
import { HEAP_LEVEL_BOUND, levelOff, RSS_LEVEL_BOUND, type MemoryReading } from './memory-levels.js';

// Scenario 8's measurement, checked on two small Node processes: one that only makes garbage, one that leaks.
// Together they show that the forced GC hides no leak, and that the garbage a busy process makes is not counted.

const MIB = 1024 * 1024;
const READINGS = 12;
const INTERVAL_MS = 500;

// Every 100 ms: about 3 MiB of short-lived objects; the leaking process also keeps about 1.5 MiB (15 MiB/s measured).
const WORKLOAD = (leak: boolean) => `
  const kept = [];
  setInterval(() => {
    const garbage = Array.from({ length: 100_000 }, (_, i) => ({ i }));
    if (${leak}) kept.push(garbage.slice(0, 25_000).map(({ i }) => ({ i, text: 'kept ' + i })));
  }, 100);
`;

/** A Node process running `source` with the probe preloaded, its stderr collected. */
class ProbedProcess implements ProbeTarget {
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  private readonly closed: Promise<void>;

  constructor(
    readonly label: string,
    source: string,
  ) {
    this.child = spawn(process.execPath, ['-e', source], {
      env: { PATH: process.env.PATH, NODE_OPTIONS: GC_PROBE_NODE_OPTIONS },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.closed = new Promise((resolve) => this.child.once('close', () => resolve()));
    createInterface({ input: this.child.stderr!, crlfDelay: Infinity }).on('line', (line) => this.output.push(line));
  }

  async signal(signal: NodeJS.Signals): Promise<void> {
    this.child.kill(signal);
  }

  async stop(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.closed;
  }
}

/** `READINGS` probe readings, `INTERVAL_MS` apart. */
async function readingsOf(target: ProbedProcess): Promise<{ heap: MemoryReading[]; rss: MemoryReading[] }> {
  const probe = new GcProbe(target);
  const taken: (ProbeReading & { atMs: number })[] = [];
  const started = performance.now();
  for (let i = 0; i < READINGS; i++) {
    await new Promise((resolve) => setTimeout(resolve, started + (i + 1) * INTERVAL_MS - performance.now()));
    taken.push({ ...(await probe.read()), atMs: performance.now() - started });
  }
  return {
    heap: taken.map(({ atMs, heapUsed }) => ({ atMs, bytes: heapUsed })),
    rss: taken.map(({ atMs, rss }) => ({ atMs, bytes: rss })),
  };
}

describe('the GC probe of scenario 8', () => {
  let leaking: ProbedProcess;
  let busy: ProbedProcess;
  let leaked: { heap: MemoryReading[]; rss: MemoryReading[] };
  let garbage: { heap: MemoryReading[]; rss: MemoryReading[] };

  beforeAll(async () => {
    leaking = new ProbedProcess('leaking', WORKLOAD(true));
    busy = new ProbedProcess('garbage', WORKLOAD(false));
    [leaked, garbage] = await Promise.all([readingsOf(leaking), readingsOf(busy)]);
  });

  afterAll(async () => {
    await Promise.all([leaking?.stop(), busy?.stop()]);
  });

  it('counts what a process keeps: a leak of about 15 MiB/s fails the level-off criterion', () => {
    const { heap, rss } = leaked;
    expect(heap.at(-1)!.bytes - heap[0]!.bytes).toBeGreaterThan(20 * MIB);
    expect(levelOff(heap, HEAP_LEVEL_BOUND).leveledOff).toBe(false);
    expect(levelOff(rss, RSS_LEVEL_BOUND).leveledOff).toBe(false);
  });

  it('does not count garbage: a process that only makes garbage levels off', () => {
    const { heap } = garbage;
    expect(Math.max(...heap.map(({ bytes }) => bytes))).toBeLessThan(16 * MIB);
    expect(levelOff(heap, HEAP_LEVEL_BOUND).leveledOff).toBe(true);
  });
});
