import { waitFor } from '../support/redis-server.js';

const PROBE_TIMEOUT_MS = 5_000;
const PROBE_TAG = '[memory-probe]';
// SIGWINCH: ignored by default and by Nest (whose shutdown hooks take SIGUSR2), and SIGUSR1 opens the inspector.
const PROBE_SIGNAL: NodeJS.Signals = 'SIGWINCH';
// No quotes: NODE_OPTIONS has its own quoting, and encodeURIComponent leaves ' as it is.
const PROBE_SOURCE = [
  'let probes = 0;',
  `process.on(\`${PROBE_SIGNAL}\`, () => {`,
  '  globalThis.gc();',
  '  const { rss, heapUsed } = process.memoryUsage();',
  `  process.stderr.write(\`${PROBE_TAG} \${JSON.stringify({ n: ++probes, rss, heapUsed })}\\n\`);`,
  '});',
].join('\n');

/**
 * NODE_OPTIONS for a process to measure: `--expose-gc`, and a preloaded handler that, on SIGWINCH, runs a full GC
 * and prints the process's RSS and heap in use. A reading then shows what the process keeps alive, not how much
 * garbage V8 let pile up before its next major GC (the cookbook has none in a 12 s run: its RSS climbs throughout).
 */
export const GC_PROBE_NODE_OPTIONS = `--expose-gc --import=data:text/javascript,${encodeURIComponent(PROBE_SOURCE)}`;

/** A process started with `GC_PROBE_NODE_OPTIONS` whose stderr lines are collected (a `CookbookProcess`). */
export interface ProbeTarget {
  readonly label: string;
  /** Its output lines so far. */
  readonly output: readonly string[];
  signal(signal: NodeJS.Signals): Promise<void>;
}

/** What a probe read, right after the full GC. */
export interface ProbeReading {
  readonly rss: number;
  readonly heapUsed: number;
}

/** Reads a target's memory after a full GC, one reading at a time. */
export class GcProbe {
  private sent = 0;

  constructor(private readonly target: ProbeTarget) {}

  /** Signals the target and waits for the figures its handler prints. */
  async read(): Promise<ProbeReading> {
    const n = ++this.sent;
    await this.target.signal(PROBE_SIGNAL);
    let found: (ProbeReading & { n: number }) | undefined;
    await waitFor(
      () => {
        const line = this.target.output.findLast((text) => text.startsWith(PROBE_TAG));
        found = line === undefined ? undefined : JSON.parse(line.slice(PROBE_TAG.length));
        return found?.n === n;
      },
      PROBE_TIMEOUT_MS,
      `memory probe ${n} of ${this.target.label}`,
    );
    return { rss: found!.rss, heapUsed: found!.heapUsed };
  }
}
