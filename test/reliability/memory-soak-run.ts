import type { InProcessSizes } from '@stash/cache';
import type { LoadReport } from '../tools/http-load.js';
import { recordResult } from '../tools/reliability-log.js';
import type { FillerReport } from './memory-cache-filler.js';
import type { LevelVerdict } from './memory-levels.js';
import type { MemorySample, RedisMemory } from './memory-sampler.js';

/** What one run of scenario 8 measured. */
export interface SoakRun {
  readonly reads: LoadReport;
  readonly writes: LoadReport;
  readonly filler: FillerReport;
  readonly samples: readonly MemorySample[];
  readonly statsFailures: number;
  /** In-process sizes of the app and of the filler once the load stopped and in-flight work drained. */
  readonly drained: { readonly app: InProcessSizes; readonly filler: InProcessSizes };
  readonly rss: LevelVerdict;
  readonly heap: LevelVerdict;
  readonly recipesCreated: number;
  /** Id hashes of the page keys seen in Redis during the run. */
  readonly pagesSeen: readonly string[];
  /** Redis once the filler had finished. */
  readonly redisAfter: RedisMemory;
}

/** Appends the run's figures to the reliability log (when STASH_RELIABILITY_LOG is set). */
export function recordSoakRun(run: SoakRun, seconds: number, maxmemoryBytes: number): void {
  const mb = (bytes: number) => bytes / (1024 * 1024);
  const rss = run.samples.map((sample) => sample.appRssBytes);
  const maxOf = (name: string, of: 'appSizes' | 'fillerSizes') =>
    Math.max(0, ...run.samples.map((sample) => sample[of][name]?.size ?? 0));
  const mapFigures: Record<string, number | string> = {};
  for (const [name, { max }] of Object.entries(run.samples[0]?.appSizes ?? {}))
    mapFigures[`max ${name}`] = `${maxOf(name, 'appSizes')} / ${max ?? 'in flight'}`;
  for (const [name] of Object.entries(run.samples[0]?.fillerSizes ?? {}))
    mapFigures[`filler max ${name}`] = maxOf(name, 'fillerSizes');
  recordResult('8', `memory, ${seconds} s`, {
    durationS: seconds,
    reads: run.reads.count,
    writes: run.writes.count,
    recipesCreated: run.recipesCreated,
    fillerValues: run.filler.calls,
    fillerMB: mb(run.filler.bytes),
    serverErrors: run.reads.serverErrors + run.writes.serverErrors,
    readP99Ms: run.reads.latency.p99,
    rssStartMB: mb(rss[0] ?? 0),
    rssPeakMB: mb(Math.max(...rss)),
    rssEndMB: mb(rss.at(-1) ?? 0),
    rssMiddlePeakMB: mb(run.rss.middlePeakBytes),
    rssLastPeakMB: mb(run.rss.lastPeakBytes),
    rssAllowedMB: mb(run.rss.allowedBytes),
    rssSlopeMBPerS: run.rss.slopeBytesPerSecond / (1024 * 1024),
    heapStartMB: mb(run.samples[0]?.appHeapUsedBytes ?? 0),
    heapEndMB: mb(run.samples.at(-1)?.appHeapUsedBytes ?? 0),
    heapMiddlePeakMB: mb(run.heap.middlePeakBytes),
    heapLastPeakMB: mb(run.heap.lastPeakBytes),
    heapAllowedMB: mb(run.heap.allowedBytes),
    redisPeakUsedMB: mb(Math.max(...run.samples.map((sample) => sample.redisUsedBytes))),
    redisMaxMB: mb(maxmemoryBytes),
    evictedKeys: run.redisAfter.evictedKeys,
    redisEndUsedMB: mb(run.redisAfter.usedBytes),
    samples: run.samples.length,
    pagesSeen: run.pagesSeen.length,
    ...mapFigures,
  });
}
