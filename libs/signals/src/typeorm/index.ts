export { TypeOrmSignalsModule } from './typeorm-signals.module.js';
export type { TypeOrmSignalsModuleExtras } from './typeorm-signals.module-definition.js';
export type { TypeOrmSignalsOptions, ResolvedTypeOrmSignalsOptions } from './typeorm-signals-options.js';
export { TYPEORM_SIGNALS_DEFAULTS } from './typeorm-signals-options.js';
export { TYPEORM_SIGNALS_MODULE_OPTIONS, TYPEORM_SIGNALS_OPTIONS } from './typeorm-signals.constants.js';
export { EntitySignalsSubscriber } from './entity-signals.subscriber.js';
export { signalBulkWrite } from './signal-bulk-write.js';
export type { BulkWrite } from './signal-bulk-write.js';
export { onCommit } from './on-commit.js';
