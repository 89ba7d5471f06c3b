import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { CacheRegistry, type CacheService } from '@stash/cache';
import { SessionService } from '@stash/session';
import type { Cluster, Redis } from 'ioredis';
import { HEALTH_PROBE_TIMEOUT_MS } from './ops.constants.js';

// A user id no cookbook user has (ids are numbers): listing its sessions reads two absent keys.
const PROBE_USER = '~health';

/** What the health check found of one cache. */
interface CacheProbe {
  readonly connected: boolean;
  /** The cache's client answered a PING (false: it failed or timed out). */
  readonly answered: boolean;
  readonly breaker: string;
}

// Redis as the cookbook uses it. The session store goes through its public API (listing a user's sessions: a real
// round trip on the sessions' own client). Each cache on Redis gets a PING on its own client (`CacheService.client`):
// a real round trip that neither fails open nor goes through the cache's circuit breaker, so it tells whether Redis
// answers, and the breaker's state is reported beside it (after a stall it closes on the cache's next call, once
// its cool-down has passed).
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly sessions: SessionService,
    private readonly registry: CacheRegistry,
  ) {}

  /** Up when the session store answers a command within the probe timeout. */
  sessionStore<const Key extends string>(key: Key): PromiseLike<HealthIndicatorResult<Key>> {
    return this.indicators
      .check(key)
      .attempt(async () => {
        await this.sessions.listForUser(PROBE_USER);
      })
      .withTimeout(HEALTH_PROBE_TIMEOUT_MS);
  }

  /**
   * Up when every cache on Redis answers a PING; down when one does not (the cache itself fails open meanwhile).
   * Bounded by the caches' command timeout, and by the probe timeout whatever the client's settings.
   */
  async caches<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const check = this.indicators.check(key);
    const names = this.registry.names();
    const probes = await Promise.all(names.map((name) => probe(this.registry.get(name))));
    const details = { caches: Object.fromEntries(names.map((name, i) => [name, probes[i]])) };
    return probes.every((probe) => probe.connected && probe.answered) ? check.up(details) : check.down(details);
  }
}

async function probe(cache: CacheService): Promise<CacheProbe> {
  const { client } = cache;
  // A memory or dummy cache has no server to reach: nothing can be down.
  if (!client) return { connected: true, answered: true, breaker: cache.stats().breaker };
  // 0 ms: the connection's state now, without waiting for a reconnection.
  const connected = await cache.ready(0);
  const answered = await answersPing(client, HEALTH_PROBE_TIMEOUT_MS);
  return { connected, answered, breaker: cache.stats().breaker };
}

/** Whether `client` answers PING within `timeoutMs` (its own command timeout usually ends a stalled one first). */
async function answersPing(client: Redis | Cluster, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    const answered = client.ping().then(
      (reply) => reply === 'PONG',
      () => false,
    );
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
