import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { CacheRegistry, type CacheService } from '@stash/cache';
import { SessionService } from '@stash/session';
import { HEALTH_PROBE_TIMEOUT_MS } from './ops.constants.js';

// A user id no cookbook user has (ids are numbers): listing its sessions reads two absent keys.
const PROBE_USER = '~health';
// A cache key nothing writes: its TTL is one read-only command.
const PROBE_KEY = 'health:probe';

/** What the health check found of one cache. */
interface CacheProbe {
  readonly connected: boolean;
  /** The probe command was answered (false: it failed, or the breaker refused it). */
  readonly answered: boolean;
  readonly breaker: string;
}

// Redis as the cookbook uses it. Neither library exposes its ioredis client, so the probes go through their public
// APIs, each a real round trip on the library's own connection: listing a user's sessions on the sessions' client,
// and reading a key's TTL through each cache (and its circuit breaker, which a successful probe closes again, so
// the check also heals a breaker that no request has tested since Redis came back).
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
   * Up when every cache answers a command; down when one does not (the cache itself fails open meanwhile). Bounded
   * by the caches' command timeout.
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
  // Reads fail open (a TTL of 0), so whether Redis answered shows in the cache's fault counter instead. A fault
  // of a concurrent request counts too: it is just as true.
  const errors = cache.stats().errors;
  // 0 ms: the connection's state now, without waiting for a reconnection.
  const connected = await cache.ready(0);
  await cache.ttl(PROBE_KEY);
  const after = cache.stats();
  return { connected, answered: after.errors === errors, breaker: after.breaker };
}
