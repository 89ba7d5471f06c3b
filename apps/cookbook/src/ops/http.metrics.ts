import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import { pageCacheOutcome, routeLabel } from './http-labels.js';
import { METRICS_REGISTRY } from './ops.constants.js';

// Seconds; from a page-cache hit (about a millisecond) to a request that waited out a Redis command timeout.
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

// The per-request metrics: latency, the caches' X-Cache verdicts and the session store's failures.
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;
  private readonly pageCache: Counter<'route' | 'outcome'>;
  private readonly sessionErrors: Counter<'operation'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from the request reaching the app to the response being sent, by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
    this.pageCache = new Counter({
      name: 'stash_page_cache_responses_total',
      help:
        'Responses by their X-Cache verdict (HIT, MISS, STALE, BYPASS), by route: page-cached routes, and the ' +
        "API's cached reads (HIT or MISS).",
      labelNames: ['route', 'outcome'],
      registers: [registry],
    });
    this.sessionErrors = new Counter({
      name: 'stash_session_store_errors_total',
      help: 'Requests answered 503 because the session store (Redis) could not be reached, by operation.',
      labelNames: ['operation'],
      registers: [registry],
    });
  }

  /** Records a finished response; `startedAt` is `process.hrtime.bigint()` when the request arrived. */
  observe(request: Request, response: Response, startedAt: bigint): void {
    const route = routeLabel(request);
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    this.duration.observe({ method: request.method, route, status: String(response.statusCode) }, seconds);
    const outcome = pageCacheOutcome(response.getHeader('x-cache'));
    if (outcome) this.pageCache.inc({ route, outcome });
  }

  sessionStoreError(operation: string): void {
    this.sessionErrors.inc({ operation });
  }
}
