import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { NeverCache } from '@stash/cache';
import { HEALTH_PROBE_TIMEOUT_MS } from './ops.constants.js';
import { RedisHealthIndicator } from './redis.health.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /**
   * 200 when the database and Redis answer, 503 (same JSON shape, failing checks under `error`) when one does
   * not. Every probe is bounded, so the answer comes within about 1.5 s either way.
   */
  @Get()
  @NeverCache()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: HEALTH_PROBE_TIMEOUT_MS }),
      () => this.redis.sessionStore('redis'),
      () => this.redis.caches('cache'),
    ]);
  }
}
