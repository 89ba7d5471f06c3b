// One process of the near-cache coherence fuzzer, run by plain Node (see near-processes.ts).
// Environment: ROLE ('writer' | 'reader'), REDIS_URL, KEY_PREFIX, HEARTBEAT_MS, KEYS (count), and for the writer
// SEED and DURATION_MS. Times are wall-clock ms with sub-ms precision (performance.timeOrigin + now()), so that
// two processes on one machine compare them.
// Writer: prints `ready`, then one JSON line per acknowledged operation, then `done`.
// Reader: prints `ready` once its channel is live, then reads in a loop until its stdin ends, printing batches of
// reads `[key, start, end, version (-1 = miss)]`, then its stats and `done`.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { CacheKeyMissingError, createCache } from '../../src/index.js';
import { SeededRandom } from '../../../../test/reliability/fuzz-random.js';
import { nearFuzzTag, type NearFuzzOp } from './near-fuzz-history.js';

const now = () => performance.timeOrigin + performance.now();
const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`near-fuzz-worker: ${name} is not set`);
  return value;
};

const keyCount = Number(env('KEYS'));
const cache = createCache(
  {
    url: env('REDIS_URL'),
    keyPrefix: env('KEY_PREFIX'),
    near: { heartbeatMs: Number(env('HEARTBEAT_MS')) },
  },
  new Logger('near-fuzz'),
);
const print = (line: unknown) => process.stdout.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);

async function waitLive(): Promise<void> {
  while (!cache.coherenceChannel().live) await sleep(5);
}

async function writer(): Promise<void> {
  const random = new SeededRandom(Number(env('SEED')));
  const until = now() + Number(env('DURATION_MS'));
  let version = 0;
  await waitLive();
  print('ready');
  while (now() < until) {
    const index = random.int(0, keyCount - 1);
    const key = `k${index}`;
    const kind = random.weighted({ set: 60, delete: 10, tags: 12, incrVersion: 8, clear: 3, setMany: 7 });
    const start = now();
    let op: NearFuzzOp;
    if (kind === 'set') {
      version++;
      await cache.set(key, { v: version }, 60, { tags: [`t${nearFuzzTag(index)}`] });
      op = { kind, key: index, version, tag: nearFuzzTag(index), start, ack: now() };
    } else if (kind === 'setMany') {
      const other = (index + random.int(1, keyCount - 1)) % keyCount;
      const first = ++version;
      const second = ++version;
      await cache.setMany(
        [
          [key, { v: first }],
          [`k${other}`, { v: second }],
        ],
        60,
      );
      const ack = now();
      print({ kind: 'set', key: index, version: first, start, ack });
      op = { kind: 'set', key: other, version: second, start, ack };
    } else if (kind === 'delete') {
      await cache.delete(key);
      op = { kind, key: index, start, ack: now() };
    } else if (kind === 'tags') {
      const tagged = random.int(0, 2);
      await cache.invalidateTags([`t${tagged}`]);
      op = { kind, tag: tagged, start, ack: now() };
    } else if (kind === 'incrVersion') {
      await cache.incrVersion(key).catch((error: unknown) => {
        if (!(error instanceof CacheKeyMissingError)) throw error;
      });
      op = { kind, key: index, start, ack: now() };
    } else {
      await cache.clear();
      op = { kind, start, ack: now() };
    }
    print(op);
    await sleep(random.int(0, 4));
  }
  print('done');
}

async function reader(): Promise<void> {
  let stopping = false;
  process.stdin.on('data', () => undefined);
  process.stdin.on('end', () => (stopping = true));
  await waitLive();
  print('ready');
  const batch: number[][] = [];
  let reads = 0;
  let seed = 1;
  while (!stopping) {
    seed = (seed * 48271) % 2147483647;
    const index = seed % keyCount;
    const start = now();
    const value = await cache.get<{ v: number }>(`k${index}`);
    batch.push([index, start, now(), value?.v ?? -1]);
    reads++;
    if (batch.length >= 2000) print({ reads: batch.splice(0) });
    // A server yields between requests: let pub/sub messages and heartbeats in.
    await new Promise((resolve) => setImmediate(resolve));
  }
  print({ reads: batch.splice(0) });
  print({ stats: { reads, ...cache.stats() } });
  print('done');
}

const role = env('ROLE');
(role === 'writer' ? writer() : reader())
  .then(() => cache.close())
  .then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`near-fuzz-worker ${role}: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
