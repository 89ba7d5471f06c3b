import type { EntityManager } from 'typeorm';
import type { EntityClass } from '../entity/entity-payloads.js';
import { SignalsConfigError } from '../errors/signals-config.error.js';
import { requireSubscriber } from './subscriber-registration.js';
import { commitScopeOf } from './transaction-queues.js';

/** What `signalBulkWrite` reports. */
export interface BulkWrite<E> {
  /** The entity class written (the signals' `sender`). */
  readonly sender: EntityClass<E>;
  /** `'save'` sends `postSave`/`postSaveCommitted`, `'delete'` sends `postDelete`/`postDeleteCommitted`. */
  readonly action: 'save' | 'delete';
  /** The rows as they are now (for `'delete'`: as they were, primary key included). */
  readonly instances: readonly E[];
  /** `created` of the save payloads. @default false */
  readonly created?: boolean;
  /** `updateFields` of the save payloads. @default undefined */
  readonly updateFields?: readonly string[];
}

/**
 * Sends the signals TypeORM could not for a query-builder or `repository.update/delete/insert` write: `postSave`
 * (or `postDelete`) for each instance now, with `send` semantics, and the committed variant queued on the
 * manager's transaction (run after its outermost commit, dropped on rollback), or sent right away when the
 * manager has no open transaction. No pre-signals: the write has happened.
 * @param manager the manager the write ran on (the transaction's manager inside `dataSource.transaction`).
 * @throws SignalsNotInstalledError when the manager's DataSource has no `TypeOrmSignalsModule`.
 * @throws SignalsConfigError for a bad `sender`, `action` or `instances`; a receiver's error propagates.
 * @example
 * await manager.update(Recipe, { authorId }, { published: false });
 * await signalBulkWrite(manager, { sender: Recipe, action: 'save', instances: await manager.findBy(Recipe, { authorId }) });
 */
export async function signalBulkWrite<E>(manager: EntityManager, write: BulkWrite<E>): Promise<void> {
  const subscriber = requireSubscriber(manager, 'signalBulkWrite');
  const { sender, action, instances } = write ?? ({} as BulkWrite<E>);
  if (typeof sender !== 'function') throw new SignalsConfigError('signalBulkWrite sender', sender, 'an entity class');
  if (action !== 'save' && action !== 'delete') {
    throw new SignalsConfigError('signalBulkWrite action', action, "'save' or 'delete'");
  }
  if (!Array.isArray(instances)) {
    throw new SignalsConfigError('signalBulkWrite instances', instances, 'an array of entities');
  }
  const { using, emitter } = subscriber;
  for (const instance of instances) {
    // The scope is read per instance: a receiver may have committed or opened a transaction meanwhile.
    const scope = commitScopeOf(manager.queryRunner);
    if (action === 'delete') await emitter.deleted({ sender, instance, using }, scope);
    else {
      const created = write.created ?? false;
      await emitter.saved({ sender, instance, created, updateFields: write.updateFields, using }, scope);
    }
  }
}
