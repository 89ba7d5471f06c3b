import { randomInt } from 'node:crypto';
import { RedisServerProcess } from '../../../test/support/redis-server.js';
import { recordResult } from '../../../test/tools/reliability-log.js';
import { uniquePrefix } from '../../../test/support/test-redis.js';
import { checkNearReads, type NearFuzzOp, type NearFuzzRead } from './support/near-fuzz-history.js';
import { buildNearFuzzWorker, NearFuzzProcess } from './support/near-processes.js';

// Replay one run with STASH_NEAR_FUZZ_SEED=<seed> (printed on failure); STASH_NEAR_FUZZ_MS sets each run's length.
const SEEDS = process.env.STASH_NEAR_FUZZ_SEED
  ? [Number(process.env.STASH_NEAR_FUZZ_SEED)]
  : [randomInt(1, 2 ** 31), randomInt(1, 2 ** 31)];
const DURATION_MS = Number(process.env.STASH_NEAR_FUZZ_MS ?? 6_000);
const HEARTBEAT_MS = 100;
// The documented bound: no process serves a value longer than 2 × heartbeatMs after its invalidation was
// acknowledged; plus 5 ms for comparing two processes' clocks.
const BOUND_MS = 2 * HEARTBEAT_MS + 5;
const KEYS = 8;

describe('near cache coherence across two processes', () => {
  let server: RedisServerProcess;
  let script: string;
  const workers: NearFuzzProcess[] = [];

  beforeAll(async () => {
    script = await buildNearFuzzWorker();
    server = await RedisServerProcess.start();
  }, 120_000);
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.kill()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(SEEDS)(
    'never serves a value older than the latest write acknowledged %#: seed %i',
    async (seed) => {
      const env = {
        REDIS_URL: server.url,
        KEY_PREFIX: uniquePrefix('near-fuzz'),
        HEARTBEAT_MS: String(HEARTBEAT_MS),
        KEYS: String(KEYS),
        SEED: String(seed),
        DURATION_MS: String(DURATION_MS),
      };
      const reader = NearFuzzProcess.start(script, { ...env, ROLE: 'reader' });
      workers.push(reader);
      await reader.ready;
      const writer = NearFuzzProcess.start(script, { ...env, ROLE: 'writer' });
      workers.push(writer);
      await writer.ready;
      await writer.finished(DURATION_MS + 10_000);
      reader.endInput();
      await reader.finished(10_000);

      const ops = writer.lines as NearFuzzOp[];
      const reads = (reader.lines as { reads?: NearFuzzRead[] }[]).flatMap((line) => line.reads ?? []);
      const stats = (reader.lines as { stats?: { reads: number; nearHits: number } }[]).find(
        (line) => line.stats,
      )!.stats!;
      const verdict = checkNearReads(ops, reads, KEYS, BOUND_MS);
      const summary =
        `seed ${seed}: ${ops.length} writes, ${verdict.reads} reads (${stats.nearHits} near hits), ` +
        `${verdict.staleReads} reads of a value superseded by an acknowledged write, worst staleness ` +
        `${verdict.worstStalenessMs.toFixed(2)} ms (bound ${BOUND_MS} ms)`;
      process.stdout.write(`near-cache coherence: ${summary}\n`);
      recordResult('near-cache coherence', `seed ${seed}`, {
        writes: ops.length,
        reads: verdict.reads,
        nearHits: stats.nearHits,
        staleReads: verdict.staleReads,
        worstStalenessMs: verdict.worstStalenessMs,
        boundMs: BOUND_MS,
      });
      expect({ seed, violations: verdict.violations.slice(0, 5) }).toEqual({ seed, violations: [] });
      expect(verdict.worstStalenessMs).toBeLessThan(BOUND_MS);
      // The run must exercise the near cache, or it proves nothing about it.
      expect(stats.nearHits).toBeGreaterThan(stats.reads / 2);
      expect(ops.length).toBeGreaterThan(200);
    },
    DURATION_MS + 40_000,
  );
});
