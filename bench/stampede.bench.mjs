// Stampede counts: N concurrent calls on a cold key, in one process and split over two, for Stash's getOrSet,
// cache-manager's wrap and a naive cache-aside (the control), on one private redis-server. Counts how many times
// the loader ran and whether every call got the same value. Run with `npm run bench:stampede` (after a build);
// writes bench/results/stampede.json (BENCH_STAMPEDE_RESULTS to change it).
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { RedisServerProcess } from '../test/support/redis-server.js';
import { describeMachine } from './machine.mjs';
import { CONTENDERS, burst } from './stampede-contenders.mjs';

const settings = {
  calls: Number(process.env.BENCH_STAMPEDE_CALLS ?? 1000),
  trials: Number(process.env.BENCH_STAMPEDE_TRIALS ?? 5),
  loaderMs: Number(process.env.BENCH_LOADER_MS ?? 50),
};
const RESULTS = process.env.BENCH_STAMPEDE_RESULTS ?? 'bench/results/stampede.json';
const WORKER_TIMEOUT_MS = 30_000;

const server = await RedisServerProcess.start();
const rows = [];
try {
  for (const name of Object.keys(CONTENDERS)) {
    const row = { contender: name, oneProcess: [], twoProcesses: [] };
    for (let trial = 1; trial <= settings.trials; trial++) {
      const contender = await CONTENDERS[name](server.url);
      row.oneProcess.push(tally([await burst(contender, `one:${trial}`, settings)]));
      await contender.close();
      const half = { ...settings, calls: settings.calls / 2 };
      row.twoProcesses.push(tally(await inTwoProcesses(name, `two:${trial}`, half)));
    }
    rows.push(row);
    process.stderr.write(`${name} done\n`);
  }
} finally {
  await server.stop();
}

const results = {
  benchmark: 'stampede',
  date: new Date().toISOString(),
  command: 'npm run bench:stampede',
  machine: describeMachine(),
  settings,
  contenders: rows,
};
await mkdir(dirname(RESULTS), { recursive: true });
await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
report(results);

/** Loader runs over all processes, and whether all calls got one and the same value (no errors). */
function tally(outcomes) {
  const results = outcomes.flatMap((outcome) => outcome.results);
  return {
    loaderRuns: outcomes.reduce((sum, outcome) => sum + outcome.loaderRuns, 0),
    calls: results.length,
    errors: results.filter((result) => result.startsWith('error:')).length,
    distinctResults: new Set(results).size,
  };
}

/** The burst split over two worker processes that start together (each says `ready`, both get `go`). */
async function inTwoProcesses(name, key, { calls, loaderMs }) {
  const workers = [0, 1].map(() => {
    const child = spawn(
      process.execPath,
      ['bench/stampede-worker.mjs', name, server.url, key, String(calls), String(loaderMs)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_TIMEOUT_MS);
    const nextLine = async () => {
      const { value, done } = await lines.next();
      if (done) throw new Error(`a stampede worker for ${name} ended early (killed after ${WORKER_TIMEOUT_MS} ms?)`);
      return value;
    };
    const exited = new Promise((resolve) => child.once('exit', resolve)).finally(() => clearTimeout(timer));
    return { child, nextLine, exited };
  });
  for (const worker of workers) {
    if ((await worker.nextLine()) !== 'ready') throw new Error(`a stampede worker for ${name} did not start`);
  }
  for (const worker of workers) worker.child.stdin.end('go\n');
  const outcomes = await Promise.all(workers.map(async (worker) => JSON.parse(await worker.nextLine())));
  await Promise.all(workers.map((worker) => worker.exited));
  return outcomes;
}

function report({ machine: m, settings: s, contenders }) {
  console.log(`\nStampede — ${m.cores} cores (${m.cpu}), Node ${m.node}, Redis ${m.redis}`);
  console.log(
    `${s.calls} concurrent calls on a cold key (two processes: ${s.calls / 2} each, started together), ` +
      `a ${s.loaderMs} ms loader, ${s.trials} trials; results in ${RESULTS}\n`,
  );
  console.log('| call | loader runs, one process | all identical | loader runs, two processes | all identical |');
  console.log('| --- | ---: | :---: | ---: | :---: |');
  const runs = (trials) => trials.map((trial) => trial.loaderRuns).join(', ');
  const identical = (trials) =>
    trials.every((trial) => trial.distinctResults === 1 && trial.errors === 0)
      ? 'yes'
      : `no: ${trials.map((trial) => trial.distinctResults).join(', ')} distinct values` +
        (trials.some((trial) => trial.errors > 0) ? `, ${trials.map((trial) => trial.errors).join(', ')} errors` : '');
  for (const { contender, oneProcess, twoProcesses } of contenders) {
    console.log(
      `| ${contender} | ${runs(oneProcess)} | ${identical(oneProcess)} | ${runs(twoProcesses)} | ${identical(twoProcesses)} |`,
    );
  }
}
