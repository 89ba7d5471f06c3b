import { spawnSync } from 'node:child_process';
import os from 'node:os';

/** What the figures were measured on, for the results file and the docs. */
export function describeMachine() {
  const redis = /v=(\S+)/.exec(spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1];
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    redis: redis ?? 'unknown',
  };
}
