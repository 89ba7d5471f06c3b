import { Logger } from '@nestjs/common';
import { errorMessage } from '../errors/describe-value.js';
import { SIGNALS_LOG_CONTEXT } from '../signals.constants.js';
import type { ApplyInvalidations, InvalidationGroup } from './invalidation-plan.js';

/**
 * What became of one `invalidateTags(tags, { retry: true })` call:
 * - `landed`: the DEL reached Redis, every process misses the tags from now on;
 * - `queued`: Redis was unreachable or refused writes (READONLY after a failover): the cache holds the tags as
 *   pending, so this process misses them, and retries in the background; other processes do not know yet;
 * - `failed`: any other error (NOPERM, CROSSSLOT): nothing is pending anywhere, nobody retries.
 */
export type InvalidationOutcome =
  | { readonly outcome: 'landed' }
  | { readonly outcome: 'queued' }
  | { readonly outcome: 'failed'; readonly error: unknown };

const logger = new Logger(SIGNALS_LOG_CONTEXT);

/** Invalidates one group's tags with `{ retry: true }` and reports whether the DEL landed. Never rejects. */
export async function invalidateGroup({ target, tags }: InvalidationGroup): Promise<InvalidationOutcome> {
  const { cache } = target;
  // invalidateTags resolves both when its DEL landed and when it queued the tags for a retry; only the cache's
  // `invalidationsQueued` counter tells them apart. A concurrent call of this cache that queued meanwhile makes
  // this one read as queued too: the safe side (an outbox row is kept one sweep longer, never dropped early).
  const queuedBefore = cache.stats().invalidationsQueued;
  try {
    await cache.invalidateTags(tags, { retry: true });
  } catch (error) {
    return { outcome: 'failed', error };
  }
  return cache.stats().invalidationsQueued === queuedBefore ? { outcome: 'landed' } : { outcome: 'queued' };
}

/** `Invalidating ["recipes"] in cache "default" for Recipe failed: NOPERM ...` */
export function describeFailure(group: InvalidationGroup, error: unknown): string {
  return (
    `Invalidating ${JSON.stringify(group.tags)} in cache "${group.target.cacheName}" for ` +
    `${group.sources.join(', ')} failed: ${errorMessage(error)}.`
  );
}

/**
 * How a commit's invalidations are applied without an outbox: one call per cache, the caches concurrently.
 * Connectivity faults are the cache's business (pending + retry in this process); any other error is logged
 * here, because nothing would retry it.
 */
export const applyInvalidations: ApplyInvalidations = async (groups) => {
  await Promise.all(
    groups.map(async (group) => {
      const result = await invalidateGroup(group);
      if (result.outcome !== 'failed') return;
      logger.error(
        `${describeFailure(group, result.error)} Nothing retries it: entries carrying these tags may be served ` +
          'stale until they expire. (With the outbox of TypeOrmSignalsModule, the sweep would keep retrying.)',
        result.error instanceof Error ? result.error.stack : undefined,
      );
    }),
  );
};
