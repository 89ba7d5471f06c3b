export { TypeOrmSignalsModule } from './typeorm-signals.module.js';
export type { TypeOrmSignalsModuleExtras } from './typeorm-signals.module-definition.js';
export type {
  InvalidationOutboxOptions,
  ResolvedInvalidationOutboxOptions,
  ResolvedTypeOrmSignalsOptions,
  TypeOrmSignalsOptions,
} from './typeorm-signals-options.js';
export { INVALIDATION_OUTBOX_DEFAULTS, TYPEORM_SIGNALS_DEFAULTS } from './typeorm-signals-options.js';
export { OUTBOX_TABLE, StashInvalidationOutbox } from './outbox/stash-invalidation-outbox.entity.js';
export { CreateStashInvalidationOutbox1795435200000 } from './outbox/create-stash-invalidation-outbox.migration.js';
export { OutboxSweeper } from './outbox/outbox-sweeper.js';
export { TYPEORM_SIGNALS_MODULE_OPTIONS, TYPEORM_SIGNALS_OPTIONS } from './typeorm-signals.constants.js';
export { EntitySignalsSubscriber } from './entity-signals.subscriber.js';
export { signalBulkWrite } from './signal-bulk-write.js';
export type { BulkWrite } from './signal-bulk-write.js';
export { onCommit } from './on-commit.js';
