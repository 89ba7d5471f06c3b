import { randomBytes } from 'node:crypto';
import { createCache, type CacheService, type InProcessSizes } from '@stash/cache';

export interface CacheFillerOptions {
  readonly redisUrl: string;
  /** The filler's own key prefix (its keys are `<keyPrefix>:*`). */
  readonly keyPrefix: string;
  /** Size of each value, in bytes. */
  readonly valueBytes: number;
  /** Pace: bytes of values stored per second. */
  readonly bytesPerSecond: number;
  /** `getOrSet` calls in flight at once. */
  readonly concurrency: number;
  /** No call starts after this many milliseconds. */
  readonly maxDurationMs: number;
}

/** What the filler did. */
export interface FillerReport {
  /** `getOrSet` calls made, each on a key of its own. */
  readonly calls: number;
  /** Loader runs (every call should miss: the keys are unique). */
  readonly loads: number;
  readonly bytes: number;
  readonly errors: number;
}

const quiet = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

/**
 * Streams unique keys with large values into Redis through a `CacheService` (`getOrSet`, so each call also goes
 * through the stampede coordinator's in-process flights), at a steady pace, until `maxDurationMs`. The cookbook
 * has no route that stores values a client chooses (its keys are bounded by its data), so this is how scenario 8
 * pushes the shared Redis past `maxmemory` while the cookbook serves its own load.
 */
export class CacheFiller {
  readonly cache: CacheService;
  private readonly value: string;
  private issued = 0;
  private calls = 0;
  private loads = 0;
  private errors = 0;
  private readonly done: Promise<void>;

  private constructor(private readonly options: CacheFillerOptions) {
    this.cache = createCache({ url: options.redisUrl, keyPrefix: options.keyPrefix, defaultTtl: 3600 }, quiet);
    // base64 of random bytes: 4 characters per 3 bytes.
    this.value = randomBytes(Math.ceil((options.valueBytes * 3) / 4))
      .toString('base64')
      .slice(0, options.valueBytes);
    const started = performance.now();
    this.done = Promise.all(Array.from({ length: options.concurrency }, () => this.worker(started))).then(
      () => undefined,
    );
  }

  static start(options: CacheFillerOptions): CacheFiller {
    return new CacheFiller(options);
  }

  /** Sizes of the filler cache's in-process maps (its stampede flights). */
  inProcessSizes(): InProcessSizes {
    return this.cache.inProcessSizes();
  }

  /** Waits for the last call to settle and closes the cache. */
  async finish(): Promise<FillerReport> {
    await this.done;
    await this.cache.close();
    return { calls: this.calls, loads: this.loads, bytes: this.loads * this.value.length, errors: this.errors };
  }

  private async worker(started: number): Promise<void> {
    const { bytesPerSecond, maxDurationMs } = this.options;
    for (;;) {
      // Call `index` is due once the pace allows its bytes; never after the deadline.
      const index = this.issued++;
      const dueMs = ((index * this.value.length) / bytesPerSecond) * 1000;
      if (dueMs >= maxDurationMs) return;
      const waitMs = dueMs - (performance.now() - started);
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      this.calls++;
      try {
        await this.cache.getOrSet(`fill:${index}`, () => {
          this.loads++;
          return this.value;
        });
      } catch {
        this.errors++;
      }
    }
  }
}
