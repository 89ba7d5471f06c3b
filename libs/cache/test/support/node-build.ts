import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const LIBRARY = join(ROOT, 'libs/cache/src');

/**
 * The cache library and some entry scripts, transpiled for plain Node. Jest's ESM runtime cannot load a CommonJS
 * package that requires the ESM-only `@nestjs/common` (such as `@nestjs/throttler`); Node 20.19+ can. The
 * output lives under `node_modules/.cache`, so that the scripts resolve the repository's packages.
 */
export class NodeBuild {
  private constructor(readonly dir: string) {}

  /** Transpiles `libs/cache/src` (no type check: `tsc` does that) and each entry (repository-relative paths). */
  static create(entries: readonly string[]): NodeBuild {
    const build = new NodeBuild(
      join(ROOT, 'node_modules/.cache', `stash-node-build-${randomBytes(4).toString('hex')}`),
    );
    mkdirSync(build.dir, { recursive: true });
    writeFileSync(join(build.dir, 'package.json'), '{ "type": "module" }\n');
    const sources = [
      ...walk(LIBRARY).filter((file) => !file.endsWith('.spec.ts')),
      ...entries.map((e) => join(ROOT, e)),
    ];
    for (const file of sources) {
      const target = join(build.dir, relative(ROOT, file));
      mkdirSync(dirname(target), { recursive: true });
      if (file.endsWith('.lua')) {
        cpSync(file, target);
        continue;
      }
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        fileName: file,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2023,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          isolatedModules: true,
          esModuleInterop: true,
        },
      });
      writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
    }
    return build;
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

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
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

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return /\.(ts|lua)$/.test(entry.name) ? [path] : [];
  });
}
