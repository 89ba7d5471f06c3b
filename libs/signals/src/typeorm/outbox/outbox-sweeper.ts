import { Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { getCacheToken } from '@stash/cache';
import { errorMessage } from '../../errors/describe-value.js';
import { describeFailure, invalidateGroup, type InvalidationOutcome } from '../../invalidation/apply-invalidation.js';
import type { TagInvalidator } from '../../invalidation/entity-invalidation.interface.js';
import type { InvalidationGroup } from '../../invalidation/invalidation-plan.js';
import { SIGNALS_LOG_CONTEXT } from '../../signals.constants.js';
import type { InvalidationOutbox, OutboxRow } from './invalidation-outbox.js';

/**
 * Applies the outbox rows left behind, in every process: once at bootstrap (what a dead process or a Redis
 * outage left), then every `sweepIntervalMs` (unref'd timer, stopped at shutdown). A pass reads the table in
 * pages of `batchSize` rows; per page and cache it calls `invalidateTags(tags, { retry: true })` once (so this
 * process also treats the tags as invalidated at once when Redis refuses them) and deletes the rows when the DEL
 * landed. Rows of a cache this application does not have are left for a process that has it.
 */
export class OutboxSweeper implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SIGNALS_LOG_CONTEXT);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  private stopped = false;
  // Reported once per streak or per row, not on every sweep.
  private readonly failingCaches = new Set<string>();
  private readonly unknownCaches = new Set<string>();
  private readonly unreadableRows = new Set<string>();
  private databaseFailing = false;

  constructor(
    /** The DataSource's outbox; undefined when the outbox is off (the sweeper then does nothing). */
    private readonly outbox: InvalidationOutbox | undefined,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.outbox?.assertReady();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.outbox) return;
    await this.sweep();
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** One pass over the table (joins the pass in progress). Never rejects. @returns the rows applied and deleted. */
  sweep(): Promise<number> {
    if (!this.outbox || this.stopped) return Promise.resolve(0);
    this.sweeping ??= this.pass(this.outbox).finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private schedule(): void {
    if (this.stopped || !this.outbox) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sweep().finally(() => this.schedule());
    }, this.outbox.options.sweepIntervalMs);
    // Rows left in the table are safe: the sweep must not keep the process alive.
    this.timer.unref();
  }

  private async pass(outbox: InvalidationOutbox): Promise<number> {
    let applied = 0;
    let after: string | undefined;
    try {
      for (;;) {
        // SQLite's single connection inside someone's transaction would run our statements in it: next sweep.
        if (this.stopped || outbox.sharedConnectionBusy()) break;
        const rows = await outbox.page(after);
        if (rows.length > 0) applied += await this.applyPage(outbox, rows);
        if (rows.length < outbox.options.batchSize) break;
        after = rows[rows.length - 1]!.id;
      }
      if (this.databaseFailing) this.logger.log(`Invalidation outbox of "${outbox.dataSourceName}": readable again.`);
      this.databaseFailing = false;
    } catch (error) {
      if (!this.databaseFailing) {
        this.logger.error(
          `Invalidation outbox of "${outbox.dataSourceName}": a sweep failed: ${errorMessage(error)}. ` +
            'Retrying every sweep (logged once until it works).',
        );
      }
      this.databaseFailing = true;
    }
    if (applied > 0) {
      this.logger.log(`Invalidation outbox of "${outbox.dataSourceName}": applied ${applied} row(s) left behind.`);
    }
    return applied;
  }

  private async applyPage(outbox: InvalidationOutbox, rows: readonly OutboxRow[]): Promise<number> {
    const byCache = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      if (row.tags === undefined) this.reportUnreadable(outbox, row);
      else byCache.set(row.cacheName, [...(byCache.get(row.cacheName) ?? []), row]);
    }
    const landed: string[] = [];
    await Promise.all(
      [...byCache].map(async ([cacheName, cacheRows]) => {
        const cache = this.cacheNamed(outbox, cacheName);
        if (!cache) return;
        const tags = [...new Set(cacheRows.flatMap((row) => row.tags ?? []))];
        const group = { target: { cacheName, cache }, tags, sources: [`${cacheRows.length} outbox row(s)`] };
        const result = await invalidateGroup(group);
        this.report(outbox, group, result);
        if (result.outcome === 'landed') landed.push(...cacheRows.map((row) => row.id));
      }),
    );
    if (landed.length === 0 || outbox.sharedConnectionBusy()) return 0;
    await outbox.delete(landed);
    return landed.length;
  }

  private cacheNamed(outbox: InvalidationOutbox, name: string): TagInvalidator | undefined {
    try {
      return this.moduleRef.get<TagInvalidator>(getCacheToken(name), { strict: false });
    } catch {
      if (!this.unknownCaches.has(name)) {
        this.unknownCaches.add(name);
        this.logger.warn(
          `Invalidation outbox of "${outbox.dataSourceName}": this application has no cache "${name}"; its rows ` +
            'are left for a process that has it.',
        );
      }
      return undefined;
    }
  }

  private report(outbox: InvalidationOutbox, group: InvalidationGroup, result: InvalidationOutcome): void {
    const name = group.target.cacheName;
    if (result.outcome === 'failed' && !this.failingCaches.has(name)) {
      this.failingCaches.add(name);
      this.logger.error(
        `${describeFailure(group, result.error)} The rows stay; retrying every ${outbox.options.sweepIntervalMs} ms ` +
          '(logged once until it works).',
        result.error instanceof Error ? result.error.stack : undefined,
      );
    } else if (result.outcome === 'landed' && this.failingCaches.delete(name)) {
      this.logger.log(`Invalidation outbox: the rows of cache "${name}" are applied again.`);
    }
  }

  private reportUnreadable(outbox: InvalidationOutbox, row: OutboxRow): void {
    if (this.unreadableRows.has(row.id)) return;
    this.unreadableRows.add(row.id);
    this.logger.error(
      `Invalidation outbox of "${outbox.dataSourceName}": row ${row.id} has no JSON array of tags; it is skipped ` +
        'and left in the table for you to inspect.',
    );
  }
}
