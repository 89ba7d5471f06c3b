export { Signal } from './signal/signal.js';
export type {
  ConnectOptions,
  ReceiverResult,
  RobustReceiverResult,
  SenderOf,
  SignalReceiver,
} from './signal/signal.types.js';
export {
  postDelete,
  postDeleteCommitted,
  postSave,
  postSaveCommitted,
  preDelete,
  preSave,
} from './entity/entity-signals.js';
export type {
  EntityClass,
  EntityDeletePayload,
  EntityPreSavePayload,
  EntitySavePayload,
} from './entity/entity-payloads.js';
export { Receiver } from './decorators/receiver.decorator.js';
export type { ReceiverOptions } from './decorators/receiver.decorator.js';
export { SignalsModule } from './signals.module.js';
export type { SignalsModuleExtras } from './signals.module-definition.js';
export type { ResolvedSignalsOptions, SignalsModuleOptions } from './signals-options.js';
export {
  RECEIVER_METADATA,
  SIGNALS_LOG_CONTEXT,
  SIGNALS_MODULE_OPTIONS,
  SIGNALS_OPTIONS,
} from './signals.constants.js';
export { ReceiversLoader } from './receivers/receivers-loader.js';
export { EntitySignalEmitter } from './entity/entity-signal-emitter.js';
export { TransactionQueue } from './transaction/transaction-queue.js';
export type { CommitCallback, CommitScope, CommitWork } from './transaction/commit-scope.js';
export { snapshot } from './entity/snapshot.js';
export { CacheInvalidationModule } from './invalidation/cache-invalidation.module.js';
export type {
  CacheInvalidationOptions,
  EntityInvalidation,
  TagInvalidator,
} from './invalidation/entity-invalidation.interface.js';
export type {
  ApplyInvalidations,
  InvalidationGroup,
  InvalidationTarget,
  PlannedInvalidation,
} from './invalidation/invalidation-plan.js';
export { groupInvalidations } from './invalidation/invalidation-plan.js';
export { applyInvalidations, invalidateGroup } from './invalidation/apply-invalidation.js';
export type { InvalidationOutcome } from './invalidation/apply-invalidation.js';
export { SignalsError } from './errors/signals.error.js';
export { SignalsConfigError } from './errors/signals-config.error.js';
export { SignalsNotInstalledError } from './errors/signals-not-installed.error.js';
