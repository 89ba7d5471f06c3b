import type { InProcessSize, InProcessSizes } from '@stash/cache';
import type { Redis } from 'ioredis';
import { getJson } from '../tools/cookbook-process.js';
import { GcProbe, type ProbeTarget } from './memory-gc-probe.js';

/** One second of scenario 8: the app's memory and maps, the filler's maps, and Redis's memory. */
export interface MemorySample {
  /** Milliseconds since sampling started. */
  readonly atMs: number;
  /** The app's resident set size right after a full GC (`GcProbe`). */
  readonly appRssBytes: number;
  /** The app's V8 heap in use right after that GC: its live objects. */
  readonly appHeapUsedBytes: number;
  /** The app's in-process maps (`/__stash/stats`), flattened to `<path>.<name>`; empty when the request failed. */
  readonly appSizes: InProcessSizes;
  /** The in-process maps of the test's own cache (the filler). */
  readonly fillerSizes: InProcessSizes;
  readonly redisUsedBytes: number;
  readonly redisMaxBytes: number;
  readonly redisEvictedKeys: number;
}

export interface SamplerOptions {
  /** The app, started with `GC_PROBE_NODE_OPTIONS`. */
  readonly app: ProbeTarget;
  /** The app's `GET /__stash/stats` URL. */
  readonly statsUrl: string;
  /** A connection to the Redis under test, for INFO. */
  readonly redis: Redis;
  /** The filler's in-process sizes. */
  readonly fillerSizes: () => InProcessSizes;
  /** @default 1_000 */
  readonly intervalMs?: number;
}

const STATS_TIMEOUT_MS = 5_000;

/**
 * Samples every `intervalMs` until `stop()`: one sample at a time (a slow one delays the next instead of piling
 * up). A failed stats request is counted (`statsFailures`) and leaves that sample's app sizes empty; a probe that
 * does not answer fails the sample (and the run).
 */
export class MemorySampler {
  readonly samples: MemorySample[] = [];
  statsFailures = 0;
  private stopped = false;
  private readonly probe: GcProbe;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<void>;
  private readonly startedAt = performance.now();

  private constructor(private readonly options: SamplerOptions) {
    this.probe = new GcProbe(options.app);
    this.loop = this.run();
    // Its failure (a probe that never answered) is thrown by stop(); until then it must not count as unhandled.
    this.loop.catch(() => undefined);
  }

  static start(options: SamplerOptions): MemorySampler {
    return new MemorySampler(options);
  }

  private async sample(): Promise<MemorySample> {
    const { statsUrl, redis, fillerSizes } = this.options;
    const atMs = performance.now() - this.startedAt;
    const [probe, stats, redisNow] = await Promise.all([
      this.probe.read(),
      getJson(statsUrl, STATS_TIMEOUT_MS).catch(() => undefined),
      redisMemory(redis),
    ]);
    const body = stats?.status === 200 ? stats.body : undefined;
    if (body === undefined) this.statsFailures++;
    const sample: MemorySample = {
      atMs,
      appRssBytes: probe.rss,
      appHeapUsedBytes: probe.heapUsed,
      appSizes: body === undefined ? {} : findSizes(body),
      fillerSizes: fillerSizes(),
      redisUsedBytes: redisNow.usedBytes,
      redisMaxBytes: redisNow.maxBytes,
      redisEvictedKeys: redisNow.evictedKeys,
    };
    this.samples.push(sample);
    return sample;
  }

  /** Stops after the sample in progress; resolves with every sample. */
  async stop(): Promise<readonly MemorySample[]> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    return this.samples;
  }

  private async run(): Promise<void> {
    const intervalMs = this.options.intervalMs ?? 1_000;
    for (let tick = 0; !this.stopped; tick++) {
      await this.sample();
      const waitMs = (tick + 1) * intervalMs - (performance.now() - this.startedAt);
      if (waitMs > 0 && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }
}

/** What Redis says of its memory: `INFO memory` (`used_memory`, `maxmemory`) and `INFO stats` (`evicted_keys`). */
export interface RedisMemory {
  readonly usedBytes: number;
  readonly maxBytes: number;
  readonly evictedKeys: number;
}

export async function redisMemory(redis: Redis): Promise<RedisMemory> {
  const [memory, stats] = await Promise.all([redis.info('memory'), redis.info('stats')]);
  return {
    usedBytes: infoField(memory, 'used_memory'),
    maxBytes: infoField(memory, 'maxmemory'),
    evictedKeys: infoField(stats, 'evicted_keys'),
  };
}

/** A numeric field of `INFO <section>`. */
export function infoField(info: string, name: string): number {
  const match = new RegExp(`^${name}:(\\d+)\\r?$`, 'm').exec(info);
  if (!match) throw new Error(`INFO has no ${name}`);
  return Number(match[1]);
}

/**
 * Every `{ size, max }` object in a stats body, by its path (`caches.default.getOrSetFlights`), whatever the
 * endpoint's nesting: the scenario checks each of them without a list to keep in step with the libraries.
 */
export function findSizes(body: unknown, path = ''): Record<string, InProcessSize> {
  if (typeof body !== 'object' || body === null) return {};
  const record = body as Record<string, unknown>;
  if (typeof record.size === 'number' && (typeof record.max === 'number' || record.max === null)) {
    return { [path]: { size: record.size, max: record.max } };
  }
  let found: Record<string, InProcessSize> = {};
  for (const [name, value] of Object.entries(record)) {
    found = { ...found, ...findSizes(value, path ? `${path}.${name}` : name) };
  }
  return found;
}
