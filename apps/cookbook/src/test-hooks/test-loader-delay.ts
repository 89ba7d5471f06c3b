import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoaderHook } from '../cache/cached-read.js';
import type { CookbookConfig } from '../config/cookbook-config.interface.js';
import { CookbookConfigError } from '../config/cookbook-config.error.js';
import { InjectCookbookConfig } from '../config/cookbook.config.js';
import { TEST_HOOKS_VARIABLE } from './test-hooks-environment.js';

/** Sources counted one by one; past this many, runs of new sources are counted under `OTHER_SOURCES`. */
export const MAX_COUNTED_SOURCES = 1_000;
export const OTHER_SOURCES = '(other)';

/** Loader runs since the process started: in all, and by source (a cache key, or `page:<path>`). */
export interface LoaderRuns {
  readonly total: number;
  readonly bySource: Readonly<Record<string, number>>;
  /** The delay each run waits before reading the database, in milliseconds (STASH_TEST_LOADER_DELAY_MS). */
  readonly delayMs: number;
}

/**
 * The test hooks' `LoaderHook`: counts every load and delays it by STASH_TEST_LOADER_DELAY_MS, so that tests can
 * widen race windows and count how often the database was read on a miss.
 */
@Injectable()
export class TestLoaderDelay implements LoaderHook {
  private readonly delayMs: number;
  private total = 0;
  private readonly bySource = new Map<string, number>();

  constructor(@InjectCookbookConfig() config: CookbookConfig) {
    // Also when the module is imported by hand: the hooks never run without the variable, so never in production.
    if (!config.testHooks) {
      throw new CookbookConfigError([
        `${TEST_HOOKS_VARIABLE} is not "1": the test hooks module must not be loaded without it.`,
      ]);
    }
    this.delayMs = config.testHooks.loaderDelayMs;
  }

  async beforeLoad(source: string): Promise<void> {
    this.total++;
    const counted = this.bySource.has(source) || this.bySource.size < MAX_COUNTED_SOURCES ? source : OTHER_SOURCES;
    this.bySource.set(counted, (this.bySource.get(counted) ?? 0) + 1);
    if (this.delayMs > 0) await sleep(this.delayMs);
  }

  runs(): LoaderRuns {
    return { total: this.total, bySource: Object.fromEntries(this.bySource), delayMs: this.delayMs };
  }
}
