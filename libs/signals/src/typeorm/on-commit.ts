import type { EntityManager } from 'typeorm';
import { SignalsConfigError } from '../errors/signals-config.error.js';
import { requireSubscriber } from './subscriber-registration.js';
import { commitScopeOf } from './transaction-queues.js';

/**
 * Runs `callback` once the manager's outermost transaction has committed (Django's `transaction.on_commit`):
 * dropped when it (or the savepoint it was registered in) rolls back; run right away when the manager has no
 * open transaction. The transaction's `commit` (and so `manager.transaction()`) resolves after the callback.
 * Errors are logged (Nest Logger, context `Signals`), never thrown: the data is committed by then.
 * @throws SignalsNotInstalledError when the manager's DataSource has no `TypeOrmSignalsModule`.
 * @example await dataSource.transaction(async (m) => { await m.save(order); await onCommit(m, () => mailer.send(order)); });
 */
export async function onCommit(manager: EntityManager, callback: () => unknown): Promise<void> {
  const { emitter } = requireSubscriber(manager, 'onCommit');
  if (typeof callback !== 'function') throw new SignalsConfigError('onCommit callback', callback, 'a function');
  await emitter.onCommit(callback, commitScopeOf(manager.queryRunner));
}
