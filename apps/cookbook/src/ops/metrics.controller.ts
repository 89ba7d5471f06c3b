import { Controller, Get, Inject, Res } from '@nestjs/common';
import { addNeverCacheHeaders, NeverCache } from '@stash/cache';
import type { Response } from 'express';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from './ops.constants.js';

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  /** Prometheus text exposition of the app's own registry. */
  @Get()
  @NeverCache()
  async metrics(@Res({ passthrough: true }) res: Response): Promise<string> {
    // Also without a global PageCacheInterceptor, which is what applies @NeverCache's headers.
    addNeverCacheHeaders(res);
    res.setHeader('Content-Type', this.registry.contentType);
    return this.registry.metrics();
  }
}
