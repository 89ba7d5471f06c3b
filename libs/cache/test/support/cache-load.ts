import type { CacheService } from '@stash/cache';

/** What one call of the load did. */
interface CallRecord {
  readonly op: string;
  readonly startedAt: number;
  readonly ms: number;
}

/** Latency figures of one operation, in milliseconds. */
export interface LatencyFigures {
  readonly calls: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** What a load run saw. */
export interface LoadReport {
  readonly calls: number;
  /** Per operation (get, set, getMany, getOrSet). */
  readonly latency: Record<string, LatencyFigures>;
  /** Reads that returned a value the load never wrote for that key: must stay empty. */
  readonly wrongValues: string[];
  /** Calls that threw although the cache fails open: must stay empty. */
  readonly thrown: string[];
  /** Reads that returned an older value than the last acknowledged write (lost to a failover, or a skipped write). */
  readonly olderValues: number;
}

interface Entry {
  readonly key: string;
  readonly seq: number;
}

/**
 * A bounded read/write load on a cache, for failover and resharding tests: `workers` loops, each owning
 * `keysPerWorker` keys, write `{ key, seq }` with a growing seq, read it back (get, getMany) and fill one more
 * key per loop with getOrSet. A value for another key, or with a seq never written, is a wrong value. Every call
 * is timed; a short pause between loops keeps the CPU shared with the Redis processes.
 */
export class CacheLoad {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly records: CallRecord[] = [];
  private readonly wrongValues: string[] = [];
  private readonly thrown: string[] = [];
  private olderValues = 0;
  private readonly written = new Map<string, number>();
  private readonly acknowledged = new Map<string, number>();
  private readonly lastHitAt = new Map<string, number>();

  constructor(
    private readonly cache: CacheService,
    private readonly options: { workers: number; keysPerWorker: number; pauseMs: number } = {
      workers: 4,
      keysPerWorker: 16,
      pauseMs: 5,
    },
  ) {}

  /** The user keys the load writes (to find their slots or masters). */
  keys(): string[] {
    const keys: string[] = [];
    for (let w = 0; w < this.options.workers; w++) {
      for (let k = 0; k < this.options.keysPerWorker; k++) keys.push(`w${w}:k${k}`);
    }
    return keys;
  }

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.options.workers }, (_, w) => this.loop(w));
  }

  /** Stops the loops, waits for their last calls, and reports. */
  async stop(): Promise<LoadReport> {
    this.running = false;
    await Promise.all(this.loops);
    return this.report();
  }

  /**
   * True when every one of `keys` was read back, just after being written, since `since` (performance.now() ms):
   * the cache serves those keys from Redis again.
   */
  hitSince(keys: readonly string[], since: number): boolean {
    return keys.every((key) => (this.lastHitAt.get(key) ?? 0) > since);
  }

  private async loop(worker: number): Promise<void> {
    let round = 0;
    while (this.running) {
      const key = `w${worker}:k${round % this.options.keysPerWorker}`;
      const seq = (this.written.get(key) ?? 0) + 1;
      this.written.set(key, seq);
      await this.call('set', async () => {
        await this.cache.set(key, { key, seq }, 60);
        this.acknowledged.set(key, seq);
      });
      await this.call('get', async () => this.check(key, await this.cache.get<Entry>(key), seq));
      const group = [key, `w${worker}:k${(round + 1) % this.options.keysPerWorker}`];
      await this.call('getMany', async () => {
        const found = await this.cache.getMany<Entry>(group);
        for (const [k, value] of found) this.check(k, value);
      });
      const filled = `w${worker}:fill${round % 8}`;
      await this.call('getOrSet', async () => {
        const value = await this.cache.getOrSet<Entry>(filled, () => ({ key: filled, seq: 0 }), { ttl: 60 });
        if (value.key !== filled || value.seq !== 0) this.wrongValues.push(`${filled}: ${JSON.stringify(value)}`);
      });
      round++;
      await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs));
    }
  }

  private check(key: string, value: Entry | undefined, justWritten?: number): void {
    if (value === undefined) return;
    const written = this.written.get(key) ?? 0;
    if (value.key !== key || !Number.isInteger(value.seq) || value.seq < 1 || value.seq > written) {
      this.wrongValues.push(`${key}: ${JSON.stringify(value)} (written up to ${written})`);
      return;
    }
    if (value.seq < (this.acknowledged.get(key) ?? 0)) this.olderValues++;
    if (justWritten !== undefined && value.seq === justWritten) this.lastHitAt.set(key, performance.now());
  }

  private async call(op: string, run: () => Promise<void>): Promise<void> {
    const startedAt = performance.now();
    try {
      await run();
    } catch (error) {
      this.thrown.push(`${op}: ${String(error)}`);
    }
    this.records.push({ op, startedAt, ms: performance.now() - startedAt });
  }

  private report(): LoadReport {
    const latency: Record<string, LatencyFigures> = {};
    for (const op of new Set(this.records.map((record) => record.op))) {
      const times = this.records
        .filter((record) => record.op === op)
        .map((record) => record.ms)
        .sort((a, b) => a - b);
      latency[op] = {
        calls: times.length,
        p99Ms: Math.round(times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]),
        maxMs: Math.round(times[times.length - 1]),
      };
    }
    return {
      calls: this.records.length,
      latency,
      wrongValues: [...this.wrongValues],
      thrown: [...this.thrown],
      olderValues: this.olderValues,
    };
  }
}
