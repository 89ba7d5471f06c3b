import { spawnSync } from 'node:child_process';

const MS_PER_UNIT = { us: 0.001, ms: 1, s: 1000 };

/** Exits with an install hint when wrk is not on PATH; returns its version line otherwise. */
export function requireWrk() {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    console.error('wrk was not found on PATH: apt-get install -y wrk (or brew install wrk)');
    process.exit(1);
  }
  return `${probe.stdout}${probe.stderr}`
    .split('\n')[0]
    .replace(/\s*Copyright.*$/, '')
    .trim();
}

/**
 * One wrk run against `url` (loopback only): requests/s and the 50th and 99th latency percentiles in ms.
 * `timeoutS` is wrk's per-request timeout: the uncached page, at 50 connections and a few dozen requests/s, queues
 * for over a second (wrk's default of 2 s counted some of those as errors on a busy machine).
 * @throws when wrk fails, or reports a non-2xx/3xx response or a socket error (a timeout included): every target
 * must answer every request.
 */
export function wrk(url, { seconds, connections, threads, timeoutS }) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, `--timeout`, `${timeoutS}s`, '--latency', url];
  const run = spawnSync('wrk', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`wrk failed on ${url}: ${run.stderr}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
  const p50 = percentile(run.stdout, 50);
  const p99 = percentile(run.stdout, 99);
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(run.stdout);
  if (errors || ![rps, p50, p99].every(Number.isFinite)) throw new Error(`wrk on ${url}:\n${run.stdout}`);
  return { rps, p50, p99 };
}

function percentile(output, rank) {
  const [, value, unit] = new RegExp(`^\\s+${rank}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(output) ?? [];
  return Number(value) * MS_PER_UNIT[unit];
}
