import { Logger } from '@nestjs/common';
import type {
  EntityMetadata,
  EntitySubscriberInterface,
  InsertEvent,
  ObjectLiteral,
  QueryRunner,
  RecoverEvent,
  RemoveEvent,
  SoftRemoveEvent,
  TransactionCommitEvent,
  TransactionRollbackEvent,
  TransactionStartEvent,
  UpdateEvent,
} from 'typeorm';
import { EntitySignalEmitter } from '../entity/entity-signal-emitter.js';
import { groupInvalidations } from '../invalidation/invalidation-plan.js';
import { SIGNALS_LOG_CONTEXT } from '../signals.constants.js';
import type { InvalidationOutbox, OutboxRecord } from './outbox/invalidation-outbox.js';
import { commitScopeOf, existingQueueOf, queueOf, transactionDepth } from './transaction-queues.js';
import { changedFields, isIdentified, senderOf, withPrimaryKey } from './typeorm-entity.js';

type Operation = 'insert' | 'update' | 'delete' | 'soft-delete' | 'restore';

// The TypeORM calls that write without entity events, by the operation they report.
const BULK_CALLS: Record<Operation, string> = {
  insert: 'insert()',
  update: 'update()',
  delete: 'delete()',
  'soft-delete': 'softDelete()',
  restore: 'restore()',
};

/**
 * The TypeORM adapter: a subscriber on one DataSource that maps TypeORM's entity events to the entity signals
 * and its transaction events to the after-commit queue of each QueryRunner. Events without the entity's
 * identity (query-builder writes) send nothing and are reported once per entity and operation.
 */
export class EntitySignalsSubscriber implements EntitySubscriberInterface<ObjectLiteral> {
  /** The emitter of this DataSource (`signalBulkWrite` and `onCommit` queue through it too). @internal */
  readonly emitter: EntitySignalEmitter;
  private readonly logger = new Logger(SIGNALS_LOG_CONTEXT);
  private readonly reported = new Set<string>();
  // Outbox rows written just before a runner's outermost COMMIT, until its AfterTransactionCommit/Rollback.
  private readonly recorded = new WeakMap<QueryRunner, OutboxRecord[]>();

  constructor(
    /** The DataSource's name, sent as `using`. */
    readonly using: string,
    private readonly warnOnBulkWrites: boolean,
    /** The DataSource's invalidation outbox, when `outbox` is on. */
    private readonly outbox?: InvalidationOutbox,
  ) {
    this.emitter = new EntitySignalEmitter(outbox && ((groups) => outbox.applyWithoutTransaction(groups)));
  }

  beforeInsert(event: InsertEvent<ObjectLiteral>): Promise<void> | void {
    // TypeORM gives repository.insert() the same event as save(); nothing tells them apart before the write.
    const sender = senderOf(event.metadata);
    if (!sender || !event.entity) return;
    return this.emitter.saving({ sender, instance: event.entity, created: true, using: this.using });
  }

  afterInsert(event: InsertEvent<ObjectLiteral>): Promise<void> | void {
    const sender = senderOf(event.metadata);
    if (!sender) return;
    if (!event.entity || !isIdentified(event.entityId)) return this.report(event.metadata, 'insert', 'bulk');
    const payload = { sender, instance: event.entity, created: true, using: this.using };
    return this.emitter.saved(payload, commitScopeOf(event.queryRunner));
  }

  beforeUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> | void {
    const sender = senderOf(event.metadata);
    if (!sender || !event.entity || !event.databaseEntity) return;
    return this.emitter.saving({ sender, instance: event.entity, created: false, using: this.using });
  }

  afterUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> | void {
    const sender = senderOf(event.metadata);
    if (!sender) return;
    // A query-builder update() carries its SET values as `entity` and no loaded row.
    if (!event.entity) return this.report(event.metadata, 'update', 'relation');
    if (!event.databaseEntity) return this.report(event.metadata, 'update', 'bulk');
    const payload = {
      sender,
      instance: event.entity,
      created: false,
      updateFields: changedFields(event.updatedColumns, event.updatedRelations),
      previous: event.databaseEntity,
      using: this.using,
    };
    return this.emitter.saved(payload, commitScopeOf(event.queryRunner));
  }

  beforeRemove(event: RemoveEvent<ObjectLiteral>): Promise<void> | void {
    const sender = senderOf(event.metadata);
    const instance = event.entity ?? event.databaseEntity;
    if (!sender || !instance || !isIdentified(event.entityId)) return;
    return this.emitter.deleting({ sender, instance, using: this.using });
  }

  afterRemove(event: RemoveEvent<ObjectLiteral>): Promise<void> | void {
    const sender = senderOf(event.metadata);
    if (!sender) return;
    const removed = event.entity ?? event.databaseEntity;
    if (!removed) return this.report(event.metadata, 'delete', isIdentified(event.entityId) ? 'relation' : 'bulk');
    if (!isIdentified(event.entityId)) return this.report(event.metadata, 'delete', 'bulk');
    const instance = withPrimaryKey(event.metadata, removed, event.databaseEntity, event.entityId);
    return this.emitter.deleted({ sender, instance, using: this.using }, commitScopeOf(event.queryRunner));
  }

  // Soft removal and recovery change a row (its delete date column) and what queries return: they are saves.
  beforeSoftRemove(event: SoftRemoveEvent<ObjectLiteral>): Promise<void> | void {
    return this.beforeStateChange(event);
  }

  afterSoftRemove(event: SoftRemoveEvent<ObjectLiteral>): Promise<void> | void {
    return this.afterStateChange(event, 'soft-delete');
  }

  beforeRecover(event: RecoverEvent<ObjectLiteral>): Promise<void> | void {
    return this.beforeStateChange(event);
  }

  afterRecover(event: RecoverEvent<ObjectLiteral>): Promise<void> | void {
    return this.afterStateChange(event, 'restore');
  }

  afterTransactionStart(event: TransactionStartEvent): void {
    const depth = transactionDepth(event.queryRunner);
    if (depth === 1) this.recorded.delete(event.queryRunner);
    queueOf(event.queryRunner).started(depth);
  }

  /**
   * With the outbox, before the outermost COMMIT (the depth is still 1 here): writes the transaction's
   * invalidations, one row per cache, through the committing runner, so that they commit or roll back with the
   * data. TypeORM awaits this; a failed insert fails the commit, as any other write of the transaction would.
   */
  beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> | void {
    const { queryRunner } = event;
    if (!this.outbox || transactionDepth(queryRunner) !== 1) return;
    const groups = groupInvalidations(existingQueueOf(queryRunner)?.items() ?? []);
    if (groups.length === 0) return;
    return this.outbox.record(groups, queryRunner).then((records) => void this.recorded.set(queryRunner, records));
  }

  /**
   * Returns the dispatch promise: TypeORM awaits it, so `save()` and `manager.transaction()` resolve only once
   * the after-commit work (cache invalidation, then the committed receivers) has run.
   */
  afterTransactionCommit(event: TransactionCommitEvent): Promise<void> | void {
    const { queryRunner } = event;
    const depth = transactionDepth(queryRunner);
    const records = depth === 0 ? this.recorded.get(queryRunner) : undefined;
    if (records) this.recorded.delete(queryRunner);
    const queue = existingQueueOf(queryRunner);
    if (!queue) return;
    const outbox = this.outbox;
    if (!records || !outbox) return this.emitter.committed(queue, depth);
    return this.emitter.committed(queue, depth, (groups) => outbox.applyCommitted(groups, records, queryRunner));
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const depth = transactionDepth(event.queryRunner);
    if (depth === 0) this.recorded.delete(event.queryRunner);
    const queue = existingQueueOf(event.queryRunner);
    if (queue) this.emitter.rolledBack(queue, depth);
  }

  private beforeStateChange(event: SoftRemoveEvent<ObjectLiteral> | RecoverEvent<ObjectLiteral>) {
    const sender = senderOf(event.metadata);
    if (!sender || !event.entity || !isIdentified(event.entityId)) return;
    return this.emitter.saving({ sender, instance: event.entity, created: false, using: this.using });
  }

  private afterStateChange(event: SoftRemoveEvent<ObjectLiteral> | RecoverEvent<ObjectLiteral>, operation: Operation) {
    const sender = senderOf(event.metadata);
    if (!sender) return;
    if (!event.entity || !isIdentified(event.entityId)) return this.report(event.metadata, operation, 'bulk');
    const deleteDate = event.metadata.deleteDateColumn?.propertyPath;
    const payload = {
      sender,
      instance: event.entity,
      created: false,
      updateFields: deleteDate ? [deleteDate] : undefined,
      previous: event.databaseEntity,
      using: this.using,
    };
    return this.emitter.saved(payload, commitScopeOf(event.queryRunner));
  }

  private report(metadata: EntityMetadata, operation: Operation, cause: 'bulk' | 'relation'): void {
    const key = `${metadata.name}:${operation}:${cause}`;
    if (!this.warnOnBulkWrites || this.reported.has(key)) return;
    this.reported.add(key);
    const action = operation === 'delete' ? 'delete' : 'save';
    const helper = `signalBulkWrite(manager, { sender: ${metadata.name}, action: '${action}', instances })`;
    const why =
      cause === 'bulk'
        ? `TypeORM reported ${withArticle(operation)} without the entity's identity (query-builder ${BULK_CALLS[operation]} or ` +
          `repository.${BULK_CALLS[operation]}), so no signal was sent and nothing was invalidated. After such ` +
          `writes call ${helper} from @stash/signals/typeorm, or write with save()/remove().`
        : `TypeORM made ${withArticle(operation)} on its own while saving a relation of another entity (an orphaned ` +
          'one-to-many child, for example) and did not say which row, so no signal was sent and nothing was ' +
          `invalidated. Save or remove those ${metadata.name} rows yourself, or call ${helper} for them.`;
    this.logger.warn(
      `${metadata.name}: ${why} (Logged once per entity and operation; the TypeOrmSignalsModule option ` +
        'warnOnBulkWrites: false silences it.)',
    );
  }
}

function withArticle(operation: Operation): string {
  return `${/^[aeiou]/.test(operation) ? 'an' : 'a'} ${operation}`;
}
