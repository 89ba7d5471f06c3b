// The cookbook's front page six ways, measured with wrk in one interleaved run: a constant string on the same
// Nest app (the ceiling), /cookbook/ uncached, /cookbook/ under @CachePage, /cookbook/ answered by the page
// cache's edge before the router (CACHE_NEAR=1), the same handler under @nestjs/cache-manager, and hand-written
// express + ioredis (the floor). Run with `npm run bench:cookbook` (it
// builds first); writes bench/results/cookbook.json (BENCH_RESULTS to change it), which bench/chart.mjs draws.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisServerProcess, freePort } from '../test/support/redis-server.js';
import { startServer } from './bench-process.mjs';
import { assertStillHits, assertTargetsServe } from './cookbook-checks.mjs';
import { cookbookTables, summarize } from './cookbook-report.mjs';
import { COOKBOOK_TARGETS } from './cookbook-targets.mjs';
import { describeMachine } from './machine.mjs';
import { requireWrk, wrk } from './wrk.mjs';

const settings = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  durationS: Number(process.env.BENCH_DURATION_S ?? 5),
  warmupS: Number(process.env.BENCH_WARMUP_S ?? 2),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  threads: Number(process.env.BENCH_THREADS ?? 1),
  timeoutS: Number(process.env.BENCH_TIMEOUT_S ?? 10),
};
const RESULTS = process.env.BENCH_RESULTS ?? 'bench/results/cookbook.json';
const BENCH_APP = 'dist/bench/cookbook-app/src/main.js';

const wrkVersion = requireWrk();
const redisServer = await RedisServerProcess.start();
const redis = new Redis(redisServer.url);
const dataDir = await mkdtemp(join(tmpdir(), 'stash-bench-'));
const servers = [];

try {
  // Three cookbook processes: `stash` (CACHE_STORE=redis), `dummy` (CACHE_STORE=dummy) and `edge` (CACHE_STORE=redis
  // with CACHE_NEAR=1, which edge-serves /cookbook/).
  const cookbooks = {
    stash: { CACHE_STORE: 'redis', CACHE_NEAR: '0' },
    dummy: { CACHE_STORE: 'dummy', CACHE_NEAR: '0' },
    edge: { CACHE_STORE: 'redis', CACHE_NEAR: '1' },
  };
  const cookbookEnv = (name) => ({
    NODE_ENV: 'production',
    REDIS_URL: redisServer.url,
    DATABASE_URL: `sqlite:${join(dataDir, `cookbook-${name}.sqlite`)}`,
    ...cookbooks[name],
    CACHE_KEY_PREFIX: `bench-${name}`,
    CACHE_TTL: '3600',
    SESSION_SECRET: randomBytes(32).toString('hex'),
  });
  const [stash, dummy, edge] = await Promise.all(
    Object.keys(cookbooks).map(async (name) => {
      const server = await startServer({
        name: `cookbook (${Object.entries(cookbooks[name])
          .map(([key, value]) => `${key}=${value}`)
          .join(' ')})`,
        script: BENCH_APP,
        port: await freePort(),
        env: cookbookEnv(name),
        readyPath: '/bench/constant',
      });
      servers.push(server);
      return server;
    }),
  );
  const page = Buffer.from(await (await fetch(`${stash.base}/bench/constant`)).arrayBuffer());
  const pageFile = join(dataDir, 'cookbook-page.html');
  await writeFile(pageFile, page);
  const floor = await startServer({
    name: 'express floor',
    script: 'bench/express-floor/server.mjs',
    port: await freePort(),
    env: { NODE_ENV: 'production', REDIS_URL: redisServer.url, PAGE_FILE: pageFile },
    readyPath: '/cookbook/',
  });
  servers.push(floor);
  const bases = { stash: stash.base, dummy: dummy.base, edge: edge.base, floor: floor.base };
  const urlOf = ({ server, path }) => `${bases[server]}${path}`;

  await assertTargetsServe(COOKBOOK_TARGETS, bases, page, redis);
  process.stderr.write(`all ${COOKBOOK_TARGETS.length} targets answer as expected; warming up\n`);
  for (const target of COOKBOOK_TARGETS) wrk(urlOf(target), { ...settings, seconds: settings.warmupS });

  const samples = new Map(COOKBOOK_TARGETS.map(({ id }) => [id, []]));
  const roundOrder = [];
  for (let round = 0; round < settings.rounds; round++) {
    // Each round starts one target later, so no target always runs first (or right after the slow one).
    const order = COOKBOOK_TARGETS.map((_, i) => COOKBOOK_TARGETS[(i + round) % COOKBOOK_TARGETS.length]);
    roundOrder.push(order.map(({ id }) => id));
    for (const target of order) {
      samples.get(target.id)[round] = wrk(urlOf(target), { ...settings, seconds: settings.durationS });
    }
    process.stderr.write(`round ${round + 1}/${settings.rounds} done\n`);
  }
  await assertStillHits(COOKBOOK_TARGETS, bases);

  const results = {
    benchmark: 'cookbook',
    date: new Date().toISOString(),
    command: 'npm run bench:cookbook',
    machine: { ...describeMachine(), wrk: wrkVersion },
    settings,
    pageBytes: page.length,
    roundOrder,
    targets: summarize(COOKBOOK_TARGETS, samples, 'ceiling'),
  };
  await mkdir(dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  report(results);
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  redis.disconnect();
  await redisServer.stop();
  await rm(dataDir, { recursive: true, force: true });
}

function report(results) {
  const { machine: m, settings: s } = results;
  console.log(`\nCookbook pages — ${m.cores} cores (${m.cpu}), Node ${m.node}, Redis ${m.redis}, ${m.wrk}`);
  console.log(
    `wrk -t${s.threads} -c${s.connections} --timeout ${s.timeoutS}s --latency, ${s.rounds} interleaved rounds of ${s.durationS} s ` +
      `(${s.warmupS} s warm-up each), a ${results.pageBytes}-byte page; results in ${RESULTS}\n`,
  );
  console.log(cookbookTables(results));
  const stash = results.targets.find(({ id }) => id === 'stash').median;
  const pass = stash.rpsRatio >= 0.95 && stash.p99Ratio <= 1.2;
  console.log(
    `Target (HTTP-layer issue): @CachePage hit >= 0.95x the ceiling's req/s (${stash.rpsRatio.toFixed(2)}x) with ` +
      `p99 <= 1.2x (${stash.p99Ratio.toFixed(2)}x): ${pass ? 'PASS' : 'FAIL'}`,
  );
  const edge = results.targets.find(({ id }) => id === 'edge').median;
  console.log(
    `Target (scale-out issue): edge hit >= 4x the ceiling's req/s (${edge.rpsRatio.toFixed(2)}x): ` +
      `${edge.rpsRatio >= 4 ? 'PASS' : 'FAIL'}`,
  );
}
