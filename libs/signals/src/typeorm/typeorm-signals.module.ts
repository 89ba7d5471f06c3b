import { Module, type DynamicModule } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { SignalsConfigError } from '../errors/signals-config.error.js';
import { OutboxSweeper } from './outbox/outbox-sweeper.js';
import { SubscriberRegistration } from './subscriber-registration.js';
import { resolveTypeOrmSignalsOptions, type ResolvedTypeOrmSignalsOptions } from './typeorm-signals-options.js';
import {
  TYPEORM_SIGNALS_DATA_SOURCE,
  TYPEORM_SIGNALS_DATA_SOURCE_NAME,
  TYPEORM_SIGNALS_MODULE_OPTIONS,
  TYPEORM_SIGNALS_OPTIONS,
} from './typeorm-signals.constants.js';
import {
  ConfigurableTypeOrmSignalsModule,
  TYPEORM_SIGNALS_ASYNC_OPTIONS_TYPE,
  TYPEORM_SIGNALS_OPTIONS_TYPE,
} from './typeorm-signals.module-definition.js';

/**
 * Sends the entity signals for one `@nestjs/typeorm` DataSource: registers a TypeORM subscriber
 * (`dataSource.subscribers`) that maps inserts, updates and removes through repositories and entity managers to
 * `preSave`/`postSave`/`preDelete`/`postDelete`, and queues `postSaveCommitted`/`postDeleteCommitted` until the
 * outermost transaction commits. Import it after `TypeOrmModule.forRoot`, once per DataSource. With
 * `outbox`, the cache invalidations of the DataSource's transactions are written to the `StashInvalidationOutbox`
 * table inside each transaction and swept by every process until they reached Redis.
 * @throws SignalsConfigError at bootstrap for an unknown option or a bad value, or when `outbox` is on and the
 *   outbox entity or table is missing.
 * @example TypeOrmSignalsModule.forRoot() // the default DataSource
 * @example TypeOrmSignalsModule.forRoot({ dataSource: 'analytics' })
 * @example TypeOrmSignalsModule.forRoot({ outbox: true }) // entities: [..., StashInvalidationOutbox]
 */
@Module({})
export class TypeOrmSignalsModule extends ConfigurableTypeOrmSignalsModule {
  static override forRoot(options: typeof TYPEORM_SIGNALS_OPTIONS_TYPE = {}): DynamicModule {
    assertDataSourceName(options.dataSource);
    return withSubscriber(super.forRoot(options));
  }

  static override forRootAsync(options: typeof TYPEORM_SIGNALS_ASYNC_OPTIONS_TYPE): DynamicModule {
    assertDataSourceName(options.dataSource);
    return withSubscriber(super.forRootAsync(options));
  }
}

function assertDataSourceName(name: unknown): void {
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw new SignalsConfigError('dataSource', name, 'the name of a @nestjs/typeorm DataSource');
  }
}

function withSubscriber(definition: DynamicModule): DynamicModule {
  return {
    ...definition,
    providers: [
      ...(definition.providers ?? []),
      {
        provide: TYPEORM_SIGNALS_OPTIONS,
        useFactory: resolveTypeOrmSignalsOptions,
        inject: [TYPEORM_SIGNALS_MODULE_OPTIONS],
      },
      {
        provide: SubscriberRegistration,
        useFactory: (dataSource: DataSource, name: string, options: ResolvedTypeOrmSignalsOptions) =>
          new SubscriberRegistration(dataSource, name, options),
        inject: [TYPEORM_SIGNALS_DATA_SOURCE, TYPEORM_SIGNALS_DATA_SOURCE_NAME, TYPEORM_SIGNALS_OPTIONS],
      },
      {
        // Idle without the outbox: whether it is on is only known once forRootAsync's options are resolved.
        provide: OutboxSweeper,
        useFactory: (registration: SubscriberRegistration, moduleRef: ModuleRef) =>
          new OutboxSweeper(registration.outbox, moduleRef),
        inject: [SubscriberRegistration, ModuleRef],
      },
    ],
  };
}
