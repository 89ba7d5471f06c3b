import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { SignalsNotInstalledError } from '../errors/signals-not-installed.error.js';
import { SIGNALS_LOG_CONTEXT } from '../signals.constants.js';
import { EntitySignalsSubscriber } from './entity-signals.subscriber.js';
import { InvalidationOutbox } from './outbox/invalidation-outbox.js';
import type { ResolvedTypeOrmSignalsOptions } from './typeorm-signals-options.js';

/**
 * Puts an `EntitySignalsSubscriber` in `dataSource.subscribers` (TypeORM's own extension point, no patching) as
 * soon as the provider is created, before any module's `onModuleInit` can write, and takes it out again on
 * application shutdown. A DataSource that already has one (the module imported twice) keeps that one.
 */
export class SubscriberRegistration implements OnApplicationShutdown {
  readonly subscriber: EntitySignalsSubscriber;
  /** The outbox of the subscriber this registration installed (none when the outbox is off or not installed). */
  readonly outbox: InvalidationOutbox | undefined;
  private readonly installed: boolean;

  constructor(
    private readonly dataSource: DataSource,
    name: string,
    options: ResolvedTypeOrmSignalsOptions,
  ) {
    const existing = findSubscriber(dataSource);
    this.outbox = !existing && options.outbox ? new InvalidationOutbox(dataSource, name, options.outbox) : undefined;
    this.subscriber = existing ?? new EntitySignalsSubscriber(name, options.warnOnBulkWrites, this.outbox);
    this.installed = !existing;
    if (existing) {
      new Logger(SIGNALS_LOG_CONTEXT).warn(
        `The DataSource "${name}" already has a signals subscriber; TypeOrmSignalsModule is imported twice for it.`,
      );
    } else {
      dataSource.subscribers.push(this.subscriber);
    }
  }

  onApplicationShutdown(): void {
    if (!this.installed) return;
    const index = this.dataSource.subscribers.indexOf(this.subscriber);
    if (index >= 0) this.dataSource.subscribers.splice(index, 1);
  }
}

function findSubscriber(dataSource: DataSource): EntitySignalsSubscriber | undefined {
  return dataSource.subscribers.find((s): s is EntitySignalsSubscriber => s instanceof EntitySignalsSubscriber);
}

/** The subscriber of the manager's DataSource. @throws SignalsNotInstalledError when there is none. */
export function requireSubscriber(manager: EntityManager, operation: string): EntitySignalsSubscriber {
  const subscriber = findSubscriber(manager.dataSource);
  if (!subscriber) throw new SignalsNotInstalledError(operation, manager.dataSource.options.type);
  return subscriber;
}
