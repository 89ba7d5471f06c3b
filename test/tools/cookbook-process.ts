import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../support/redis-server.js';
import { cookbookBuild } from './cookbook-build.js';

/** Environment variables of a cookbook process (`undefined` leaves one out). */
export type CookbookEnv = Readonly<Record<string, string | undefined>>;

export interface CookbookProcessOptions {
  /** Names the process in messages and log files: letters, digits, `.`, `_` and `-`. */
  readonly label: string;
  /**
   * The app's variables, usually `cookbookEnv(db, prefix, {...})` (test/support/cookbook-app.ts). PORT is chosen
   * here. The process does not inherit the test's environment (only PATH, HOME, TMPDIR and LANG).
   */
  readonly env: CookbookEnv;
  /** How long the app may take to answer HTTP. @default 30_000 */
  readonly startTimeoutMs?: number;
}

/** Why `assertClean` fails, found in the output: a line and what it is. */
export interface OutputProblem {
  readonly kind: 'unhandled rejection' | 'uncaught exception' | 'ioredis unhandled error event';
  readonly line: string;
}

/** Where child processes' output is also written, one file per process, when set (for debugging). */
export const COOKBOOK_LOG_DIR_ENV = 'STASH_COOKBOOK_LOG_DIR';

const PASSED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG'] as const;
// main.ts logs it once the app listens: proof that the port answered by is this process's, not another's.
const LISTENING = /Listening on http:\/\/localhost:(\d+)\//;
const START_ATTEMPTS = 3;
const MAX_KEPT_LINES = 20_000;
const PROBLEM_PATTERNS: readonly [OutputProblem['kind'], RegExp][] = [
  ['ioredis unhandled error event', /\[ioredis\] Unhandled error event/],
  ['unhandled rejection', /unhandledRejection|Unhandled promise rejection|UnhandledPromiseRejection/i],
  ['uncaught exception', /uncaughtException|Uncaught exception/i],
];
// Preloaded into the child: reports every uncaught exception (an unhandled rejection is one, by Node's default
// --unhandled-rejections=throw) with its origin, without changing what Node does with it.
const MONITOR = `data:text/javascript,${encodeURIComponent(
  "process.on('uncaughtExceptionMonitor',(e,o)=>process.stderr.write('[cookbook-process] '+o+': '+(e&&e.stack||e)+'\\n'))",
)}`;
// One set per test process (jest loads this file once per test file), killed when that process exits.
const RUNNING = Symbol.for('stash.cookbookProcesses');
const running: Set<ChildProcess> = ((globalThis as Record<symbol, Set<ChildProcess> | undefined>)[RUNNING] ??= (() => {
  const children = new Set<ChildProcess>();
  process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));
  return children;
})());

/** The problem one output line shows, or undefined when it shows none (see `assertClean`). */
export function problemIn(line: string): OutputProblem | undefined {
  const found = PROBLEM_PATTERNS.find(([, pattern]) => pattern.test(line));
  return found && { kind: found[0], line };
}

/**
 * The cookbook (apps/cookbook/src/main.ts, built by `cookbookBuild`) in a Node process of its own, on a free
 * loopback port. Its output is captured; `assertClean()` fails if it exited without `stop()`, or printed an
 * unhandled rejection, an uncaught exception or ioredis's "Unhandled error event". Every started process is
 * SIGKILLed if the test process exits without stopping it.
 */
export class CookbookProcess {
  /** Output lines, stdout and stderr interleaved in arrival order (the last 20,000). */
  readonly output: string[] = [];
  private readonly problems: OutputProblem[] = [];
  private readonly closed: Promise<void>;
  private stopping = false;
  private readonly startedAt = Date.now();
  private listening = false;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly logFile: string | undefined,
  ) {
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
    running.add(child);
    void this.closed.then(() => running.delete(child));
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.record(line));
    }
  }

  /**
   * Builds the cookbook if needed, starts it and resolves once it logged that it listens and answers HTTP. A start
   * that lost its port to another process (EADDRINUSE: the port was free when chosen) is retried on a new one.
   */
  static async start(options: CookbookProcessOptions): Promise<CookbookProcess> {
    if (!/^[\w.-]+$/.test(options.label)) throw new Error(`Bad label ${JSON.stringify(options.label)}`);
    const { main } = await cookbookBuild();
    for (let attempt = 1; ; attempt++) {
      const cookbook = CookbookProcess.spawn(main, options, await freePort());
      try {
        await cookbook.waitUntilListening(options.startTimeoutMs ?? 30_000);
        return cookbook;
      } catch (error) {
        await cookbook.signal('SIGKILL');
        if (attempt >= START_ATTEMPTS || !cookbook.text.includes('EADDRINUSE')) throw error;
      }
    }
  }

  private static spawn(main: string, options: CookbookProcessOptions, port: number): CookbookProcess {
    const env: Record<string, string> = { NO_COLOR: '1', NODE_OPTIONS: '' };
    for (const name of PASSED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name]!;
    for (const [name, value] of Object.entries(options.env)) if (value !== undefined) env[name] = value;
    env.PORT = String(port);
    const child = spawn(process.execPath, ['--import', MONITOR, main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const logDir = process.env[COOKBOOK_LOG_DIR_ENV];
    if (logDir) mkdirSync(logDir, { recursive: true });
    const logFile = logDir ? join(logDir, `cookbook-${options.label}-${child.pid}.log`) : undefined;
    return new CookbookProcess(options.label, child, port, logFile);
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The output, one string. */
  get text(): string {
    return this.output.join('\n');
  }

  /**
   * Sends a signal. For SIGKILL, SIGTERM and SIGINT, resolves once the process has exited (SIGTERM and SIGINT:
   * SIGKILL after `timeoutMs`); for the others (SIGSTOP, SIGCONT) at once. An exit caused this way, not by `stop()`,
   * fails `assertClean`.
   */
  async signal(signal: NodeJS.Signals, timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    if (signal === 'SIGKILL') await this.closed;
    else if (signal === 'SIGTERM' || signal === 'SIGINT') await this.exitWithin(timeoutMs);
  }

  /** Stops the app: SIGTERM (Nest's shutdown hooks run), then SIGKILL if it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.running) {
      this.child.kill('SIGCONT');
      this.child.kill('SIGTERM');
      await this.exitWithin(timeoutMs);
    }
    await this.closed;
  }

  /** Output lines that show an unhandled rejection, an uncaught exception or an unhandled ioredis error event. */
  outputProblems(): readonly OutputProblem[] {
    return [...this.problems];
  }

  /**
   * Throws when the process exited without `stop()` (crashed, killed, restarted), or its output shows an
   * unhandled rejection, an uncaught exception or an unhandled ioredis error event. When it runs with the test
   * hooks (STASH_TEST_HOOKS=1) and is still running, also checks that `/__stash/stats` is served by this very
   * process (same pid, up since it was started).
   */
  async assertClean(): Promise<void> {
    const faults: string[] = [];
    if (!this.running && !this.stopping) {
      faults.push(`exited (code ${this.child.exitCode}, signal ${this.child.signalCode}) without stop()`);
    }
    for (const { kind, line } of this.problems) faults.push(`${kind}: ${line}`);
    if (faults.length === 0 && this.running) {
      const stats = await getJson(`${this.url}/__stash/stats`, 2_000).catch(() => undefined);
      if (stats && stats.status === 200) {
        const { pid, uptimeMs } = stats.body as { pid?: number; uptimeMs?: number };
        if (pid !== this.pid) faults.push(`/__stash/stats is served by pid ${pid}, not ${this.pid}`);
        else if ((uptimeMs ?? 0) > Date.now() - this.startedAt + 1_000)
          faults.push(`/__stash/stats reports ${uptimeMs} ms of uptime, more than since the start`);
      }
    }
    if (faults.length > 0) {
      throw new Error(
        `cookbook ${this.label} (pid ${this.pid}) is not clean:\n  - ${faults.join('\n  - ')}\n` +
          `last output lines:\n${this.output.slice(-30).join('\n')}`,
      );
    }
  }

  private record(line: string): void {
    this.output.push(line);
    if (this.output.length > MAX_KEPT_LINES) this.output.shift();
    if (LISTENING.exec(line)?.[1] === String(this.port)) this.listening = true;
    const problem = problemIn(line);
    if (problem) this.problems.push(problem);
    if (this.logFile) appendFileSync(this.logFile, `${line}\n`);
  }

  private async exitWithin(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    const killed = await Promise.race([this.closed.then(() => false), late]);
    clearTimeout(timer);
    if (killed) this.child.kill('SIGKILL');
    await this.closed;
  }

  private async waitUntilListening(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) {
        await this.closed;
        throw new Error(`cookbook ${this.label} exited while starting:\n${this.output.slice(-40).join('\n')}`);
      }
      if (this.listening && (await answers(`${this.url}/health`))) return;
      if (Date.now() > deadline) {
        throw new Error(
          `cookbook ${this.label} did not start within ${timeoutMs} ms:\n${this.output.slice(-40).join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function answers(url: string): Promise<boolean> {
  return getJson(url, 5_000).then(
    () => true,
    () => false,
  );
}

/** GET over a fresh connection, bounded by `timeoutMs`: the status and the body parsed as JSON (or text). */
export function getJson(url: string, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON: the text.
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}
