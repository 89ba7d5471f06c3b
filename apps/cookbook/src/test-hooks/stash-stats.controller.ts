import { Controller, Get, Res } from '@nestjs/common';
import { addNeverCacheHeaders, NeverCache } from '@stash/cache';
import type { Response } from 'express';
import { StashStats, type StashStatsSnapshot } from './stash-stats.service.js';
import { STASH_STATS_PATH } from './test-hooks.constants.js';

/** `GET /__stash/stats`: the process's memory, caches, loader runs and in-process map sizes, never cached. */
@Controller(STASH_STATS_PATH)
export class StashStatsController {
  constructor(private readonly stats: StashStats) {}

  @Get()
  @NeverCache()
  snapshot(@Res({ passthrough: true }) res: Response): StashStatsSnapshot {
    addNeverCacheHeaders(res);
    return this.stats.snapshot();
  }
}
