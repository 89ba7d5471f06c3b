// One "app process" of scenario 3's refresh tests: a CacheService on a shared Redis and prefix behind a tiny HTTP
// server, run by plain Node (test/reliability/stampede-refresh.e2e-spec.ts starts two). Every loader run is
// logged with its start and end, on the machine's clock, so that runs of both processes can be laid side by side.
// Environment: REDIS_URL, KEY_PREFIX, LOADER_DELAY_MS (how long a loader takes).
import { createServer, type ServerResponse } from 'node:http';
import { createCache, type GetOrSetOptions } from '@stash/cache';

interface LoaderRun {
  readonly pid: number;
  readonly key: string;
  readonly value: string;
  readonly startedAt: number;
  endedAt?: number;
}

const runs: LoaderRun[] = [];
const problems: string[] = [];
process.on('unhandledRejection', (reason) => problems.push(`unhandledRejection: ${String(reason)}`));
process.on('uncaughtExceptionMonitor', (error) => problems.push(`uncaughtException: ${String(error)}`));

const delayMs = Number(process.env.LOADER_DELAY_MS ?? '100');
const logger = { log: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const cache = createCache({ url: process.env.REDIS_URL, keyPrefix: process.env.KEY_PREFIX }, logger);
await cache.ready();

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes on one machine. */
const now = () => performance.timeOrigin + performance.now();

async function load(key: string): Promise<string> {
  const run: LoaderRun = { pid: process.pid, key, value: `${process.pid}-${runs.length + 1}`, startedAt: now() };
  runs.push(run);
  try {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return run.value;
  } finally {
    run.endedAt = now();
  }
}

/** `?key=k&ttl=2&swr=30` or `?key=k&ttl=2&beta=20`: durations in seconds, as `getOrSet` takes them. */
function optionsOf(query: URLSearchParams): GetOrSetOptions {
  const options: { ttl?: number; staleWhileRevalidate?: number; earlyRefresh?: { beta: number } } = {};
  if (query.has('ttl')) options.ttl = Number(query.get('ttl'));
  if (query.has('swr')) options.staleWhileRevalidate = Number(query.get('swr'));
  if (query.has('beta')) options.earlyRefresh = { beta: Number(query.get('beta')) };
  return options;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://worker');
  if (url.pathname === '/runs') return send(res, 200, { pid: process.pid, runs, problems });
  if (url.pathname !== '/get') return send(res, 404, { error: 'not found' });
  const key = url.searchParams.get('key') ?? 'k';
  cache
    .getOrSet(key, () => load(key), optionsOf(url.searchParams))
    .then(
      (value) => send(res, 200, { value }),
      (error: unknown) => send(res, 500, { error: String(error) }),
    );
});
server.keepAliveTimeout = 1_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`listening ${address.port}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void cache.close().then(() => process.exit(0)));
});
