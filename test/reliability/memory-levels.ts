/** One reading of a memory figure (bytes), `atMs` milliseconds after the load started. */
export interface MemoryReading {
  readonly atMs: number;
  readonly bytes: number;
}

/** How far the last third of a run may rise above the middle third's peak: a ratio, plus a fixed slack. */
export interface LevelBound {
  readonly ratio: number;
  readonly slackBytes: number;
}

const MIB = 1024 * 1024;

/**
 * Scenario 8's bound on the app's RSS, read right after a forced full GC (docs/reliability.md): the last third's
 * peak at most 5% + 8 MiB over the middle third's. After a GC the RSS still moves by a few MiB from one second to
 * the next (malloc arenas, socket buffers, code compiled as new paths run), and the first third is V8 warming up,
 * so it is ignored and only peaks are compared. A steady leak fails it from about 0.9 MiB/s in 60 s and 4.5 MiB/s
 * in 12 s (at the cookbook's ~180 MiB).
 */
export const RSS_LEVEL_BOUND: LevelBound = { ratio: 1.05, slackBytes: 8 * MIB };

/**
 * Scenario 8's bound on the app's live heap (heap used right after a forced full GC): 5% + 2 MiB. A steady leak
 * fails it from about 0.2 MiB/s in 60 s and 1 MiB/s in 12 s (at the cookbook's ~40 MiB).
 */
export const HEAP_LEVEL_BOUND: LevelBound = { ratio: 1.05, slackBytes: 2 * MIB };

/** What `levelOff` found. */
export interface LevelVerdict {
  readonly leveledOff: boolean;
  /** Peak of the middle third of the run. */
  readonly middlePeakBytes: number;
  /** Peak of the last third of the run. */
  readonly lastPeakBytes: number;
  /** The most the last third's peak may be: `middlePeakBytes * ratio + slackBytes`. */
  readonly allowedBytes: number;
  /** Least-squares slope over the second half of the run, in bytes per second (reported, not judged). */
  readonly slopeBytesPerSecond: number;
}

/**
 * Whether a figure leveled off: the run is cut in thirds by time (warm-up, middle, last), and the last third's
 * peak must stay within `bound` of the middle third's. A figure that keeps growing at a steady rate fails once the
 * rise over a third outgrows the slack.
 * @throws Error when a third of the run holds no reading (too few samples to judge).
 */
export function levelOff(readings: readonly MemoryReading[], bound: LevelBound = RSS_LEVEL_BOUND): LevelVerdict {
  if (readings.length === 0) throw new Error('levelOff: no readings');
  const end = readings[readings.length - 1]!.atMs;
  const middle = readings.filter((reading) => reading.atMs >= end / 3 && reading.atMs < (2 * end) / 3);
  const last = readings.filter((reading) => reading.atMs >= (2 * end) / 3);
  if (middle.length === 0 || last.length === 0) {
    throw new Error(`levelOff: ${readings.length} readings over ${end} ms leave a third of the run without any`);
  }
  const middlePeakBytes = Math.max(...middle.map((reading) => reading.bytes));
  const lastPeakBytes = Math.max(...last.map((reading) => reading.bytes));
  const allowedBytes = middlePeakBytes * bound.ratio + bound.slackBytes;
  return {
    leveledOff: lastPeakBytes <= allowedBytes,
    middlePeakBytes,
    lastPeakBytes,
    allowedBytes,
    slopeBytesPerSecond: slope(readings.filter((reading) => reading.atMs >= end / 2)),
  };
}

/** Least-squares slope of the readings, in bytes per second; 0 for fewer than two distinct times. */
export function slope(readings: readonly MemoryReading[]): number {
  const n = readings.length;
  if (n < 2) return 0;
  const meanT = readings.reduce((sum, { atMs }) => sum + atMs, 0) / n;
  const meanB = readings.reduce((sum, { bytes }) => sum + bytes, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const { atMs, bytes } of readings) {
    covariance += (atMs - meanT) * (bytes - meanB);
    variance += (atMs - meanT) ** 2;
  }
  return variance === 0 ? 0 : (covariance / variance) * 1000;
}
