import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildForNode } from '../../../../test/support/node-build.js';

/**
 * The cache library and some entry scripts, transpiled for plain Node (`buildForNode`: shared, content-hashed,
 * under `node_modules/.cache`). Jest's ESM runtime cannot load a CommonJS package that requires the ESM-only
 * `@nestjs/common` (such as `@nestjs/throttler`); Node 20.19+ can.
 */
export class NodeBuild {
  private constructor(readonly dir: string) {}

  /** Transpiles `libs/cache/src` (no type check: `tsc` does that) and each entry (repository-relative paths). */
  static async create(entries: readonly string[]): Promise<NodeBuild> {
    return new NodeBuild(await buildForNode({ name: 'cache-apps', sources: ['libs/cache/src', ...entries] }));
  }

  /**
   * Runs a transpiled entry with `env` and resolves once it prints `listening <port>`; the child is killed if it
   * does not within `timeoutMs`.
   */
  start(entry: string, env: Record<string, string>, timeoutMs = 10_000): Promise<NodeApp> {
    const script = join(this.dir, entry.replace(/\.ts$/, '.js'));
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const errors: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
    return new Promise((resolvePort, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${entry} did not start within ${timeoutMs} ms: ${errors.join('')}`));
      }, timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${entry} exited with ${code}: ${errors.join('')}`));
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const port = /^listening (\d+)$/.exec(line)?.[1];
        if (!port) return;
        clearTimeout(timer);
        resolvePort(new NodeApp(child, `http://127.0.0.1:${port}`));
      });
    });
  }
}

/** An app running in its own Node process. */
export class NodeApp {
  constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** Asks the app to close (SIGTERM), and kills it if it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
