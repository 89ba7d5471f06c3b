import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root. */
export const REPOSITORY_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

const CACHE_DIR = join(REPOSITORY_ROOT, 'node_modules/.cache');
// Part of the content hash: change it when the output format changes (compiler options, rewriting).
const FORMAT = 'node-build-2';
const LOCK_STALE_MS = 120_000;
const WAIT_FOR_OTHER_BUILD_MS = 120_000;
// Older builds are removed when a new one is made, except the newest few: another run may still be using them.
const KEPT_BUILDS = 10;
const OLD_BUILD_MS = 3600_000;

const COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2023,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  isolatedModules: true,
  esModuleInterop: true,
};

/** What to transpile. */
export interface NodeBuildSpec {
  /** Names the output: `node_modules/.cache/stash-<name>-<content hash>`. Letters, digits and `-`. */
  readonly name: string;
  /** Repository-relative directories (every `.ts` but `*.spec.ts`, and every `.lua`) and single files. */
  readonly sources: readonly string[];
}

/**
 * Transpiles TypeScript sources for plain Node (`ts.transpileModule`: no type check, `tsc` does that) and returns
 * the output directory. Jest's ESM runtime cannot load some CommonJS packages that require ESM-only ones (such as
 * `@nestjs/throttler`), and a test that needs an app in a process of its own needs it compiled; `nest build` takes
 * about ten times longer.
 *
 * - The output is keyed by a hash of the sources' paths and contents, so every worker and every parallel jest
 *   run of the same sources shares one build, and an edited source gets a new one.
 * - One process builds (an exclusive lock file); the others wait for it. The build is written to a temporary
 *   directory and renamed into place, so nobody ever sees half of one.
 * - The `@stash/*` path aliases of tsconfig.json are rewritten to relative specifiers, as `nest build` does.
 * - It lives under `node_modules/.cache`, so that the output resolves the repository's packages. When a new build
 *   is made, the older ones are removed, but for the newest ten and those less than an hour old.
 */
export async function buildForNode(spec: NodeBuildSpec): Promise<string> {
  if (!/^[a-z0-9-]+$/i.test(spec.name)) throw new Error(`Bad build name ${JSON.stringify(spec.name)}`);
  const files = readSources(spec.sources);
  const dir = join(CACHE_DIR, `stash-${spec.name}-${contentHash(files)}`);
  const lock = `${dir}.lock`;
  const deadline = Date.now() + WAIT_FOR_OTHER_BUILD_MS;
  mkdirSync(CACHE_DIR, { recursive: true });
  while (!existsSync(dir)) {
    if (takeLock(lock)) {
      try {
        if (!existsSync(dir)) writeBuild(dir, files);
      } finally {
        rmSync(lock, { force: true });
      }
      pruneOldBuilds(spec.name, dir);
      break;
    }
    if (Date.now() > deadline) throw new Error(`Gave up waiting for another process to build ${dir}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  return dir;
}

/** A source file: its repository-relative path and its content, read once for both the hash and the build. */
interface Source {
  readonly path: string;
  readonly content: Buffer;
}

function readSources(sources: readonly string[]): Source[] {
  const files = sources.flatMap((source) => {
    const path = join(REPOSITORY_ROOT, source);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
  return [...new Set(files)]
    .sort()
    .map((file) => ({ path: relative(REPOSITORY_ROOT, file), content: readFileSync(file) }));
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return /\.(ts|lua)$/.test(entry.name) && !/\.(spec|d)\.ts$/.test(entry.name) ? [path] : [];
  });
}

function contentHash(files: readonly Source[]): string {
  const hash = createHash('sha256').update(`${FORMAT}\0${ts.version}\0`);
  for (const { path, content } of files) hash.update(`${path}\0${content.length}\0`).update(content);
  return hash.digest('hex').slice(0, 16);
}

/** True when this process now holds the lock; a lock left by a build that died is taken over. */
function takeLock(lock: string): boolean {
  try {
    closeSync(openSync(lock, 'wx'));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { force: true });
  } catch {
    // Released meanwhile: the next round sees the build, or takes the lock.
  }
  return false;
}

function writeBuild(dir: string, files: readonly Source[]): void {
  const temporary = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(temporary, { recursive: true });
  try {
    writeFileSync(join(temporary, 'package.json'), '{ "type": "module" }\n');
    const aliases = pathAliases();
    for (const { path, content } of files) {
      const target = join(temporary, path);
      mkdirSync(dirname(target), { recursive: true });
      if (path.endsWith('.lua')) {
        writeFileSync(target, content);
        continue;
      }
      const { outputText } = ts.transpileModule(content.toString('utf8'), {
        fileName: join(REPOSITORY_ROOT, path),
        compilerOptions: COMPILER_OPTIONS,
        transformers: { before: [rewriteAliases(path, aliases)] },
      });
      writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
    }
    renameSync(temporary, dir);
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}

/** tsconfig.json's `paths`: `@stash/cache` → `libs/cache/src/index.js` (repository-relative, as emitted). */
function pathAliases(): ReadonlyMap<string, string> {
  const { config, error } = ts.readConfigFile(join(REPOSITORY_ROOT, 'tsconfig.json'), ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const paths = (config.compilerOptions?.paths ?? {}) as Record<string, string[]>;
  return new Map(
    Object.entries(paths).map(([alias, [target]]) => [alias, relative('.', target!).replace(/\.ts$/, '.js')]),
  );
}

function rewriteAliases(path: string, aliases: ReadonlyMap<string, string>): ts.TransformerFactory<ts.SourceFile> {
  const rewrite = (specifier: string): string | undefined => {
    const target = aliases.get(specifier);
    if (target === undefined) return undefined;
    const relativePath = relative(dirname(path), target);
    return relativePath.startsWith('.') ? relativePath : `./${relativePath}`;
  };
  return (context) => (sourceFile) => {
    const { factory } = context;
    const visit = (node: ts.Node): ts.Node => {
      if (
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        const replaced = rewrite(node.moduleSpecifier.text);
        if (replaced === undefined) return node;
        const literal = factory.createStringLiteral(replaced);
        return ts.isImportDeclaration(node)
          ? factory.updateImportDeclaration(node, node.modifiers, node.importClause, literal, node.attributes)
          : factory.updateExportDeclaration(
              node,
              node.modifiers,
              node.isTypeOnly,
              node.exportClause,
              literal,
              node.attributes,
            );
      }
      if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments.length > 0 &&
        ts.isStringLiteral(node.arguments[0]!)
      ) {
        const replaced = rewrite((node.arguments[0] as ts.StringLiteral).text);
        if (replaced !== undefined) {
          return factory.updateCallExpression(node, node.expression, node.typeArguments, [
            factory.createStringLiteral(replaced),
            ...node.arguments.slice(1),
          ]);
        }
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitEachChild(sourceFile, visit, context);
  };
}

function pruneOldBuilds(name: string, current: string): void {
  const prefix = `stash-${name}-`;
  const builds = readdirSync(CACHE_DIR)
    .filter((entry) => entry.startsWith(prefix) && !entry.endsWith('.lock') && join(CACHE_DIR, entry) !== current)
    .flatMap((entry) => {
      try {
        return [{ path: join(CACHE_DIR, entry), mtimeMs: statSync(join(CACHE_DIR, entry)).mtimeMs }];
      } catch {
        return []; // removed by another process meanwhile
      }
    })
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { path, mtimeMs } of builds.slice(KEPT_BUILDS - 1)) {
    if (Date.now() - mtimeMs > OLD_BUILD_MS) rmSync(path, { recursive: true, force: true });
  }
}
