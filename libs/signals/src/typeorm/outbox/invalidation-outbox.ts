import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { errorMessage } from '../../errors/describe-value.js';
import { SignalsConfigError } from '../../errors/signals-config.error.js';
import { describeFailure, invalidateGroup } from '../../invalidation/apply-invalidation.js';
import type { TagInvalidator } from '../../invalidation/entity-invalidation.interface.js';
import type { InvalidationGroup } from '../../invalidation/invalidation-plan.js';
import { SIGNALS_LOG_CONTEXT } from '../../signals.constants.js';
import type { ResolvedInvalidationOutboxOptions } from '../typeorm-signals-options.js';
import { OUTBOX_TABLE, StashInvalidationOutbox } from './stash-invalidation-outbox.entity.js';

/** A row written for one cache's share of a commit. */
export interface OutboxRecord {
  readonly id: string;
  readonly cache: TagInvalidator;
}

/** A row as a sweep reads it; `tags` is undefined when the stored text is not a JSON array of strings. */
export interface OutboxRow {
  readonly id: string;
  readonly cacheName: string;
  readonly tags: readonly string[] | undefined;
}

/**
 * The outbox table of one DataSource: writes a commit's rows inside its transaction, applies the commit's
 * invalidations and deletes the rows of those that landed, and reads and deletes rows for the sweep. Every
 * statement skips entity listeners and subscribers (`callListeners(false)`), so the outbox never sends signals.
 */
export class InvalidationOutbox {
  private readonly logger = new Logger(SIGNALS_LOG_CONTEXT);

  constructor(
    private readonly dataSource: DataSource,
    /** The DataSource's name, for messages. */
    readonly dataSourceName: string,
    readonly options: ResolvedInvalidationOutboxOptions,
  ) {}

  /**
   * Throws a `SignalsConfigError` naming the fix when the entity is not registered or its table cannot be read
   * (not created yet): better at bootstrap than as a failed COMMIT of the first write.
   */
  async assertReady(): Promise<void> {
    if (!this.dataSource.hasMetadata(StashInvalidationOutbox)) {
      throw new SignalsConfigError(
        'outbox',
        true,
        `StashInvalidationOutbox among the entities of the DataSource "${this.dataSourceName}" (from ` +
          '@stash/signals/typeorm), with its table created by synchronize or by the migration ' +
          'CreateStashInvalidationOutbox1795435200000',
      );
    }
    try {
      await this.dataSource.manager
        .createQueryBuilder(StashInvalidationOutbox, 'o')
        .select('o.id')
        .limit(1)
        .getRawMany();
    } catch (error) {
      throw new SignalsConfigError(
        'outbox',
        true,
        `a readable table "${OUTBOX_TABLE}" on the DataSource "${this.dataSourceName}": create it with ` +
          `synchronize or the migration CreateStashInvalidationOutbox1795435200000 (${errorMessage(error)})`,
      );
    }
  }

  /**
   * Writes one row per group through `queryRunner`, inside its open transaction (so the rows commit or roll back
   * with the data), or on its own when `queryRunner` is undefined.
   */
  async record(groups: readonly InvalidationGroup[], queryRunner?: QueryRunner): Promise<OutboxRecord[]> {
    const rows = groups.map((group) => ({
      id: randomUUID(),
      cacheName: group.target.cacheName,
      tags: [...group.tags],
    }));
    await this.manager(queryRunner)
      .createQueryBuilder()
      .insert()
      .into(StashInvalidationOutbox)
      .values(rows)
      .callListeners(false)
      .updateEntity(false)
      .execute();
    return rows.map((row, i) => ({ id: row.id, cache: groups[i]!.target.cache }));
  }

  /**
   * After the commit that wrote `records`: invalidates each group and deletes the rows of those whose DEL landed
   * (through `queryRunner`, the committed transaction's connection: no second pool connection is needed). A
   * group that was only queued keeps its row for the sweeps. Never rejects.
   */
  async applyCommitted(
    groups: readonly InvalidationGroup[],
    records: readonly OutboxRecord[],
    queryRunner?: QueryRunner,
  ): Promise<void> {
    const landed = await this.invalidate(groups);
    const ids = records.filter((record) => landed.has(record.cache)).map((record) => record.id);
    await this.deleteQuietly(ids, queryRunner);
  }

  /**
   * A write outside any transaction has no COMMIT to write the rows before: its invalidations are applied at
   * once, and the groups that did not land are recorded afterwards, so that the sweeps still finish them. (A
   * crash between the write and that record loses them, as without the outbox.) Never rejects.
   */
  async applyWithoutTransaction(groups: readonly InvalidationGroup[]): Promise<void> {
    const landed = await this.invalidate(groups);
    const left = groups.filter((group) => !landed.has(group.target.cache));
    if (left.length === 0) return;
    try {
      await this.record(left);
    } catch (error) {
      this.logger.error(
        `Could not record ${JSON.stringify(left.flatMap((group) => group.tags))} in the invalidation outbox of ` +
          `the DataSource "${this.dataSourceName}": ${errorMessage(error)}. Only this process retries them.`,
      );
    }
  }

  /** Up to `batchSize` rows with an id after `after`, in id order (keyset pagination through the table). */
  async page(after: string | undefined): Promise<OutboxRow[]> {
    const query = this.dataSource.manager
      .createQueryBuilder(StashInvalidationOutbox, 'o')
      .select('o.id', 'id')
      .addSelect('o.cacheName', 'cacheName')
      .addSelect('o.tags', 'tags')
      .orderBy('o.id', 'ASC')
      .limit(this.options.batchSize);
    if (after !== undefined) query.where('o.id > :after', { after });
    const raw = await query.getRawMany<{ id: string; cacheName: string; tags: unknown }>();
    return raw.map((row) => ({ id: String(row.id), cacheName: String(row.cacheName), tags: parseTags(row.tags) }));
  }

  /** Deletes rows by id (through `queryRunner` when given). */
  async delete(ids: readonly string[], queryRunner?: QueryRunner): Promise<void> {
    if (ids.length === 0) return;
    await this.manager(queryRunner)
      .createQueryBuilder()
      .delete()
      .from(StashInvalidationOutbox)
      .whereInIds([...ids])
      .callListeners(false)
      .execute();
  }

  /**
   * True when the DataSource has one shared connection (the SQLite drivers) and a transaction is open on it: a
   * statement issued now would run inside that transaction, see its uncommitted rows and share its fate.
   */
  sharedConnectionBusy(): boolean {
    const shared = (this.dataSource.driver as { queryRunner?: QueryRunner }).queryRunner;
    return shared?.isTransactionActive === true;
  }

  /** Invalidates the groups concurrently; returns the caches whose DEL landed. Failures are logged. */
  private async invalidate(groups: readonly InvalidationGroup[]): Promise<Set<TagInvalidator>> {
    const landed = new Set<TagInvalidator>();
    await Promise.all(
      groups.map(async (group) => {
        const result = await invalidateGroup(group);
        if (result.outcome === 'landed') landed.add(group.target.cache);
        if (result.outcome === 'failed') {
          this.logger.error(
            `${describeFailure(group, result.error)} Its outbox row stays: every process's sweep retries it ` +
              `(every ${this.options.sweepIntervalMs} ms).`,
            result.error instanceof Error ? result.error.stack : undefined,
          );
        }
      }),
    );
    return landed;
  }

  private async deleteQuietly(ids: readonly string[], queryRunner?: QueryRunner): Promise<void> {
    try {
      await this.delete(ids, queryRunner);
    } catch (error) {
      // Harmless: a sweep applies the rows again (a repeated DEL changes nothing) and deletes them then.
      this.logger.warn(`Could not delete applied invalidation outbox rows: ${errorMessage(error)}.`);
    }
  }

  private manager(queryRunner: QueryRunner | undefined): EntityManager {
    return queryRunner?.manager ?? this.dataSource.manager;
  }
}

function parseTags(stored: unknown): readonly string[] | undefined {
  try {
    const tags: unknown = typeof stored === 'string' ? JSON.parse(stored) : stored;
    return Array.isArray(tags) && tags.every((tag) => typeof tag === 'string') ? (tags as string[]) : undefined;
  } catch {
    return undefined;
  }
}
