// @CachePage hits against a constant route and @nestjs/cache-manager, in one app, with wrk, interleaved.
// Run with `npm run bench` (it builds first) or `npm run bench:pages`. Figures go to docs/benchmarks.md.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import { RedisServerProcess, freePort, waitFor } from '../test/support/redis-server.js';
import { median } from './harness.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const TARGETS = [
  { name: 'constant route (no cache)', path: '/constant' },
  { name: '@CachePage hit (Redis)', path: '/stash' },
  { name: '@nestjs/cache-manager hit (in-process store)', path: '/cache-manager' },
];

if (spawnSync('wrk', ['--version']).error) {
  console.error('wrk was not found on PATH: apt-get install -y wrk (or brew install wrk)');
  process.exit(1);
}

const server = process.env.REDIS_URL ? undefined : await RedisServerProcess.start();
const redisUrl = process.env.REDIS_URL ?? server.url;
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const app = spawn('node', ['dist/bench/page-cache-app/src/main.js'], {
  env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl },
  stdio: ['ignore', 'inherit', 'inherit'],
});

try {
  await waitFor(() => ok(`${base}/constant`), 15_000, 'the benchmark app did not start');
  for (const { path } of TARGETS) await fetch(`${base}${path}`); // fill both caches
  const hit = await fetch(`${base}/stash`);
  if (hit.headers.get('x-cache') !== 'HIT') throw new Error(`/stash is not a cache hit: ${hit.headers.get('x-cache')}`);

  wrk('/constant', 2); // warm-up
  const samples = new Map(TARGETS.map(({ name }) => [name, { rps: [], p99: [] }]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const { name, path } of TARGETS) {
      const { rps, p99 } = wrk(path, DURATION_S);
      samples.get(name).rps.push(rps);
      samples.get(name).p99.push(p99);
    }
    process.stderr.write(`round ${round}/${ROUNDS} done\n`);
  }

  const baseline = figures(samples.get(TARGETS[0].name));
  console.log(`\nPage cache — ${os.cpus().length} cores (${os.cpus()[0]?.model}), Node ${process.version}`);
  console.log(`wrk -t1 -c${CONNECTIONS}, ${ROUNDS} interleaved rounds of ${DURATION_S} s, medians, ~2 KB HTML page\n`);
  console.log('| route | req/s | p99 (ms) | req/s vs constant | p99 vs constant |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const { name } of TARGETS) {
    const { rps, p99 } = figures(samples.get(name));
    console.log(
      `| ${name} | ${Math.round(rps)} | ${p99.toFixed(2)} | ${(rps / baseline.rps).toFixed(2)}x | ${(p99 / baseline.p99).toFixed(2)}x |`,
    );
  }
  const stash = figures(samples.get(TARGETS[1].name));
  const rpsRatio = stash.rps / baseline.rps;
  const p99Ratio = stash.p99 / baseline.p99;
  const pass = rpsRatio >= 0.95 && p99Ratio <= 1.2;
  console.log(
    `\nTarget: @CachePage hit >= 0.95x the constant route's req/s (${rpsRatio.toFixed(2)}x) with p99 <= 1.2x ` +
      `(${p99Ratio.toFixed(2)}x): ${pass ? 'PASS' : 'FAIL'}`,
  );
} finally {
  app.kill('SIGTERM');
  await server?.stop();
}

function figures({ rps, p99 }) {
  return { rps: median(rps), p99: median(p99) };
}

async function ok(url) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** One wrk run: requests/s and the 99th percentile latency in ms. */
function wrk(path, seconds) {
  const run = spawnSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', `${base}${path}`], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
  const [, value, unit] = /^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(run.stdout) ?? [];
  const p99 = Number(value) * { us: 0.001, ms: 1, s: 1000 }[unit];
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(run.stdout);
  if (errors || !Number.isFinite(rps) || !Number.isFinite(p99)) throw new Error(`wrk: ${run.stdout}`);
  return { rps, p99 };
}
