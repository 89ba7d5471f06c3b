import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CacheRegistry, type CacheStatsSnapshot } from '@stash/cache';
import { Counter, Gauge, type Registry } from 'prom-client';
import { BREAKER_STATES, cacheStatMetrics, type CacheStatMetric } from './cache-stat-metrics.js';
import { METRICS_REGISTRY } from './ops.constants.js';

// Exposes `CacheService.stats()` of every configured cache, labelled `cache`. The values are read at scrape time
// (prom-client's `collect`), so the caches keep their own counters and nothing is copied on the request path.
@Injectable()
export class CacheMetrics implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly caches: CacheRegistry,
  ) {}

  onModuleInit(): void {
    const snapshots = (): CacheStatsSnapshot[] => this.caches.names().map((name) => this.caches.get(name).stats());
    const metrics = new Map<string, CacheStatMetric>();
    for (const snapshot of snapshots()) {
      for (const metric of cacheStatMetrics(snapshot)) metrics.set(metric.field, metric);
    }
    for (const metric of metrics.values()) this.register(metric, snapshots);

    new Gauge({
      name: 'stash_cache_breaker_state',
      help: "1 for the current state of each cache's circuit breaker (open: Redis calls are refused), else 0.",
      labelNames: ['cache', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { cache, breaker } of snapshots()) {
          for (const state of BREAKER_STATES) this.set({ cache, state }, breaker === state ? 1 : 0);
        }
      },
    });
  }

  private register({ field, name, type, help }: CacheStatMetric, snapshots: () => CacheStatsSnapshot[]): void {
    const valueOf = (snapshot: CacheStatsSnapshot) => (snapshot as unknown as Record<string, number>)[field] ?? 0;
    const common = { name, help, labelNames: ['cache'], registers: [this.registry] };
    if (type === 'counter') {
      new Counter({
        ...common,
        collect() {
          // The cache's counter is the truth: replace ours with it rather than adding deltas.
          this.reset();
          for (const snapshot of snapshots()) this.inc({ cache: snapshot.cache }, valueOf(snapshot));
        },
      });
      return;
    }
    new Gauge({
      ...common,
      collect() {
        this.reset();
        for (const snapshot of snapshots()) this.set({ cache: snapshot.cache }, valueOf(snapshot));
      },
    });
  }
}
