import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CacheRegistry, PageCache, type CacheStatsSnapshot, type InProcessSizes } from '@stash/cache';
import { TestLoaderDelay, type LoaderRuns } from './test-loader-delay.js';

/** What `GET /__stash/stats` answers. Sizes in bytes, durations in milliseconds. */
export interface StashStatsSnapshot {
  readonly pid: number;
  readonly uptimeMs: number;
  readonly memory: {
    readonly rssBytes: number;
    readonly heapUsedBytes: number;
    readonly heapTotalBytes: number;
    readonly externalBytes: number;
    readonly arrayBuffersBytes: number;
  };
  /** Every configured cache: `stats()` (breaker state included) and `inProcessSizes()`. */
  readonly caches: Readonly<Record<string, { stats: CacheStatsSnapshot; inProcessSizes: InProcessSizes }>>;
  /** The page cache's `inProcessSizes()`. */
  readonly pageCache: { readonly inProcessSizes: InProcessSizes };
  readonly loaderRuns: LoaderRuns;
  /** In-process maps past their bound (`caches.<cache>.<map>`, `pageCache.<map>`): empty when all is well. */
  readonly oversized: readonly string[];
}

/** Reads the process's figures for the stats endpoint. */
@Injectable()
export class StashStats {
  constructor(
    private readonly caches: CacheRegistry,
    private readonly loader: TestLoaderDelay,
    private readonly moduleRef: ModuleRef,
  ) {}

  snapshot(): StashStatsSnapshot {
    const caches = Object.fromEntries(
      this.caches.names().map((name) => {
        const cache = this.caches.get(name);
        return [name, { stats: cache.stats(), inProcessSizes: cache.inProcessSizes() }];
      }),
    );
    // PageCacheModule is imported by the pages module, not globally.
    const pageSizes = this.moduleRef.get(PageCache, { strict: false }).inProcessSizes();
    const oversized = [
      ...Object.entries(caches).flatMap(([name, { inProcessSizes }]) => past(inProcessSizes, `caches.${name}.`)),
      ...past(pageSizes, 'pageCache.'),
    ];
    const memory = process.memoryUsage();
    return {
      pid: process.pid,
      uptimeMs: Math.round(process.uptime() * 1000),
      memory: {
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        externalBytes: memory.external,
        arrayBuffersBytes: memory.arrayBuffers,
      },
      caches,
      pageCache: { inProcessSizes: pageSizes },
      loaderRuns: this.loader.runs(),
      oversized,
    };
  }
}

function past(sizes: InProcessSizes, prefix: string): string[] {
  return Object.entries(sizes)
    .filter(([, { size, max }]) => max !== null && size > max)
    .map(([name]) => `${prefix}${name}`);
}
