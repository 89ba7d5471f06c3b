// CacheService against raw ioredis on one private redis-server (or REDIS_URL), at concurrency 50.
// Run with `npm run bench` or `npm run bench:micro` (both build first). Figures go to docs/benchmarks.md.
import os from 'node:os';
import { Redis } from 'ioredis';
import { createCache } from '../dist/libs/cache/src/index.js';
import { RedisServerProcess } from '../test/support/redis-server.js';
import { runInterleaved } from './harness.mjs';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 2000);
const VALUE = {
  id: 42,
  name: 'Tomato soup',
  ingredients: ['tomato', 'onion', 'garlic', 'olive oil', 'basil', 'salt', 'pepper'].map((food, i) => ({
    id: i + 1,
    food,
    description: `${i + 1} portion(s) of ${food}`,
  })),
};

const server = process.env.REDIS_URL ? undefined : await RedisServerProcess.start();
const url = process.env.REDIS_URL ?? server.url;
const silent = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

const raw = new Redis(url);
const rawPipelined = new Redis(url, { enableAutoPipelining: true });
const cache = createCache({ url, keyPrefix: 'bench' }, silent);
const cachePipelined = createCache({ url, keyPrefix: 'bench-ap', redis: { enableAutoPipelining: true } }, silent);
await Promise.all([cache.ready(), cachePipelined.ready()]);

await raw.set('raw:hit', JSON.stringify(VALUE));
await cache.set('hit', VALUE, null);
await cachePipelined.set('hit', VALUE, null);
await cache.getOrSet('tagged', () => VALUE, { ttl: null, tags: ['recipes'] });
const loader = () => VALUE;

const targets = [
  { name: 'ioredis get', run: () => raw.get('raw:hit') },
  { name: 'ioredis get + JSON.parse', run: async () => JSON.parse(await raw.get('raw:hit')) },
  { name: 'CacheService.get hit', run: () => cache.get('hit') },
  { name: 'ioredis get (auto-pipelining)', run: () => rawPipelined.get('raw:hit') },
  { name: 'CacheService.get hit (auto-pipelining)', run: () => cachePipelined.get('hit') },
  { name: 'ioredis set + JSON.stringify', run: () => raw.set('raw:set', JSON.stringify(VALUE), 'EX', 300) },
  { name: 'CacheService.set', run: () => cache.set('set', VALUE) },
  { name: 'CacheService.getOrSet hit', run: () => cache.getOrSet('hit', loader, { ttl: null }) },
  {
    name: 'CacheService.getOrSet hit (tagged)',
    run: () => cache.getOrSet('tagged', loader, { ttl: null, tags: ['recipes'] }),
  },
];

const results = await runInterleaved(targets, {
  rounds: ROUNDS,
  concurrency: CONCURRENCY,
  durationMs: DURATION_MS,
  warmupMs: 500,
});

// Each Stash operation is compared with raw ioredis doing the same work (a GET of a JSON value is useless
// until it is parsed), and with the bare command.
const equivalentOf = {
  'CacheService.get hit': 'ioredis get + JSON.parse',
  'CacheService.get hit (auto-pipelining)': 'ioredis get + JSON.parse',
  'CacheService.set': 'ioredis set + JSON.stringify',
  'CacheService.getOrSet hit': 'ioredis get + JSON.parse',
  'CacheService.getOrSet hit (tagged)': 'ioredis get + JSON.parse',
};
const bareOf = {
  'CacheService.get hit': 'ioredis get',
  'CacheService.get hit (auto-pipelining)': 'ioredis get (auto-pipelining)',
  'CacheService.getOrSet hit': 'ioredis get',
  'CacheService.getOrSet hit (tagged)': 'ioredis get',
};

console.log(
  `\nCacheService vs raw ioredis — ${os.cpus().length} cores (${os.cpus()[0]?.model}), Node ${process.version}`,
);
console.log(`concurrency ${CONCURRENCY}, ${ROUNDS} interleaved rounds of ${DURATION_MS} ms, median ops/s\n`);
console.log('| operation | ops/s (median) | vs raw ioredis doing the same work | vs the bare command |');
console.log('| --- | ---: | ---: | ---: |');
const ratio = (name, baseline) =>
  baseline ? `${(results.get(name).median / results.get(baseline).median).toFixed(2)}x` : '';
for (const { name } of targets) {
  const { median } = results.get(name);
  console.log(
    `| ${name} | ${Math.round(median)} | ${ratio(name, equivalentOf[name])} | ${ratio(name, bareOf[name])} |`,
  );
}
const getRatio = results.get('CacheService.get hit').median / results.get('ioredis get + JSON.parse').median;
console.log(
  `\nTarget: CacheService.get hit >= 0.85x raw ioredis GET + JSON.parse: ${getRatio.toFixed(2)}x ${getRatio >= 0.85 ? 'PASS' : 'FAIL'}`,
);
console.log('getOrSet hits at concurrency 50 share one read per key in flight (request coalescing), hence > 1x.');

await cache.clear();
await cachePipelined.clear();
await Promise.all([cache.close(), cachePipelined.close(), raw.quit(), rawPipelined.quit()]);
await server?.stop();
