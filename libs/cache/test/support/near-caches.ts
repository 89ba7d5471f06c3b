import { createCache, type CacheOptions, type CacheService } from '@stash/cache';
import { Redis } from 'ioredis';
import { waitFor } from '../../../../test/support/redis-server.js';
import { uniquePrefix } from '../../../../test/support/test-redis.js';
import { silentLogger } from './testing-modules.js';

/** A cache with a near cache on `url` (or the connection in `options`), its channel live before it is returned. */
export async function liveNearCache(url: string | undefined, options: CacheOptions = {}): Promise<CacheService> {
  const cache = createCache({ url, keyPrefix: uniquePrefix('near'), near: true, ...options }, silentLogger);
  await waitNearLive(cache);
  return cache;
}

/** Waits until the cache's coherence channel is live (subscribed, its own heartbeat back). */
export async function waitNearLive(cache: CacheService, timeoutMs = 5_000): Promise<void> {
  await waitFor(() => cache.coherenceChannel().live, timeoutMs, `near channel of ${cache.name} live`);
}

/** Calls of each Redis command since the last reset (`INFO commandstats`), by lower-case name. */
export async function commandCalls(admin: Redis): Promise<Map<string, number>> {
  const info = await admin.info('commandstats');
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}
