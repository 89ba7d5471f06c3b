import { SignalsError } from './signals.error.js';

/**
 * Thrown by `signalBulkWrite` and `onCommit` when the manager's DataSource has no `TypeOrmSignalsModule`
 * subscriber: nothing would ever flush the work queued on its transactions.
 */
export class SignalsNotInstalledError extends SignalsError {
  constructor(
    readonly operation: string,
    driver: string,
  ) {
    super(
      `${operation}: the manager's ${driver} DataSource has no Stash signals subscriber, so nothing would run ` +
        'after its transactions commit. Import TypeOrmSignalsModule.forRoot({ dataSource }) for this DataSource.',
    );
  }
}
