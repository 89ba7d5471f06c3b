import type { StashStatsSnapshot } from '../../apps/cookbook/src/test-hooks/stash-stats.service.js';
import type { CookbookProcess } from '../tools/cookbook-process.js';
import { getJson } from '../tools/cookbook-process.js';
import type { LoadResult } from '../tools/http-load.js';

export type { StashStatsSnapshot };

/** `GET /__stash/stats` of a cookbook process started with STASH_TEST_HOOKS=1. */
export async function stashStats(cookbook: CookbookProcess): Promise<StashStatsSnapshot> {
  const { status, body } = await getJson(`${cookbook.url}/__stash/stats`, 3_000);
  if (status !== 200) throw new Error(`GET /__stash/stats of ${cookbook.label} answered ${status}`);
  return body as StashStatsSnapshot;
}

/** Loader runs of each source (a cache key, or `page:<path>`) summed over `snapshots`. */
export function loaderRunsBySource(snapshots: readonly StashStatsSnapshot[]): Record<string, number> {
  const runs: Record<string, number> = {};
  for (const { loaderRuns } of snapshots) {
    for (const [source, count] of Object.entries(loaderRuns.bySource)) runs[source] = (runs[source] ?? 0) + count;
  }
  return runs;
}

/** The loader runs per source between two readings of the same processes (sources that did not run are left out). */
export function loaderRunsBetween(
  before: readonly StashStatsSnapshot[],
  after: readonly StashStatsSnapshot[],
): Record<string, number> {
  const earlier = loaderRunsBySource(before);
  return Object.fromEntries(
    Object.entries(loaderRunsBySource(after))
      .map(([source, count]) => [source, count - (earlier[source] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
}

/** `getOrSet` calls of the default cache that waited for another process's fill lock, between two readings. */
export function lockWaitsBetween(before: readonly StashStatsSnapshot[], after: readonly StashStatsSnapshot[]): number {
  const sum = (snapshots: readonly StashStatsSnapshot[]) =>
    snapshots.reduce((total, snapshot) => total + snapshot.caches.default!.stats.lockWaits, 0);
  return sum(after) - sum(before);
}

/** How many results carry each `X-Cache` value (`none` for none). */
export function cacheStatuses(results: readonly LoadResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { headers } of results) {
    const status = String(headers['x-cache'] ?? 'none');
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}
