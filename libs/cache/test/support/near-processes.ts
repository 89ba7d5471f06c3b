import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildForNode } from '../../../../test/support/node-build.js';

const WORKER = 'libs/cache/test/support/near-fuzz-worker.main.ts';

/** The cache library and the fuzzer's worker, transpiled for plain Node; returns the worker's script path. */
export async function buildNearFuzzWorker(): Promise<string> {
  const dir = await buildForNode({
    name: 'near-fuzz',
    sources: [
      'libs/cache/src',
      WORKER,
      'libs/cache/test/support/near-fuzz-history.ts',
      'test/reliability/fuzz-random.ts',
    ],
  });
  return join(dir, WORKER.replace(/\.ts$/, '.js'));
}

/**
 * One fuzzer worker in a Node process of its own: its JSON output lines are collected, `ready` and `done` awaited.
 * `kill()` ends it whatever its state (for `afterEach`).
 */
export class NearFuzzProcess {
  readonly lines: unknown[] = [];
  private readonly errors: string[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: Promise<void>,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr!.on('data', (chunk: Buffer) => this.errors.push(chunk.toString()));
  }

  static start(script: string, env: Record<string, string>, timeoutMs = 10_000): NearFuzzProcess {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let onReady!: () => void;
    let onFail!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    const worker = new NearFuzzProcess(child, ready);
    const timer = setTimeout(
      () => onFail(new Error(`${env.ROLE} not ready within ${timeoutMs} ms: ${worker.stderr}`)),
      timeoutMs,
    );
    void worker.exited.then((code) => {
      clearTimeout(timer);
      onFail(new Error(`${env.ROLE} exited with ${code} before ready: ${worker.stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') {
        clearTimeout(timer);
        onReady();
      } else if (line.startsWith('{')) worker.lines.push(JSON.parse(line));
    });
    return worker;
  }

  get stderr(): string {
    return this.errors.join('');
  }

  /** Closes the worker's stdin (the reader's signal to stop). */
  endInput(): void {
    this.child.stdin!.end();
  }

  /** Waits for a clean exit; throws with its stderr otherwise, or when it runs longer than `timeoutMs`. */
  async finished(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const code = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (code !== 0) throw new Error(`worker ended with ${code}: ${this.stderr}`);
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
