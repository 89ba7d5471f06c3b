import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { Registry } from 'prom-client';
import { CacheMetrics } from './cache.metrics.js';
import { HealthController } from './health.controller.js';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { HttpMetrics } from './http.metrics.js';
import { MetricsController } from './metrics.controller.js';
import { METRICS_REGISTRY } from './ops.constants.js';
import { RedisHealthIndicator } from './redis.health.js';
import { SessionErrorsFilter } from './session-errors.filter.js';

/**
 * `GET /health` (terminus: database, session store, caches) and `GET /metrics` (Prometheus text: cache stats per
 * cache, page-cache verdicts per route, HTTP latency, session store errors). Needs the app's CacheModule,
 * SessionModule and TypeORM DataSource.
 */
@Module({
  // No log line per failed check: the libraries already log the first fault of an outage and the recovery, and a
  // probe every few seconds would repeat that at ERROR level for as long as the outage lasts.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, MetricsController],
  providers: [
    // One registry per application, not prom-client's global one: two apps in one process (tests) stay apart.
    { provide: METRICS_REGISTRY, useFactory: () => new Registry() },
    CacheMetrics,
    HttpMetrics,
    RedisHealthIndicator,
    { provide: APP_FILTER, useClass: SessionErrorsFilter },
  ],
})
export class OpsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
