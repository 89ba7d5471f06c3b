import { percentile, type LoadResult } from '../tools/http-load.js';

/** Latency figures of a set of requests, in milliseconds. */
export interface Latencies {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** p50, p99 (nearest rank) and max of the results' latencies; zeros for none. */
export function latencies(results: readonly LoadResult[]): Latencies {
  const sorted = results.map((result) => result.latencyMs).sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? 0,
  };
}

/** The results of requests that started in [`fromMs`, `toMs`) of the load (milliseconds since it started). */
export function startedBetween(results: readonly LoadResult[], fromMs: number, toMs: number): LoadResult[] {
  return results.filter((result) => result.startedAtMs >= fromMs && result.startedAtMs < toMs);
}

/** How many results have each status (`{ 200: 812 }`; 0 for requests that got no response). */
export function statuses(results: readonly LoadResult[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of results) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
