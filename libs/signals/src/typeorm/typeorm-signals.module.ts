import { Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SignalsConfigError } from '../errors/signals-config.error.js';
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
 * outermost transaction commits. Import it after `TypeOrmModule.forRoot`, once per DataSource.
 * @throws SignalsConfigError at bootstrap for an unknown option or a bad value.
 * @example TypeOrmSignalsModule.forRoot() // the default DataSource
 * @example TypeOrmSignalsModule.forRoot({ dataSource: 'analytics' })
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
    ],
  };
}
