import { ConfigurableModuleBuilder } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { TypeOrmSignalsOptions } from './typeorm-signals-options.js';
import {
  TYPEORM_SIGNALS_DATA_SOURCE,
  TYPEORM_SIGNALS_DATA_SOURCE_NAME,
  TYPEORM_SIGNALS_MODULE_OPTIONS,
} from './typeorm-signals.constants.js';

/** Options only `TypeOrmSignalsModule` itself reads (known when the module is declared, also for `forRootAsync`). */
export interface TypeOrmSignalsModuleExtras {
  /** Name of the `@nestjs/typeorm` DataSource to instrument. @default 'default' */
  dataSource?: string;
  /** Register the module globally. @default false */
  isGlobal?: boolean;
}

export const {
  ConfigurableModuleClass: ConfigurableTypeOrmSignalsModule,
  OPTIONS_TYPE: TYPEORM_SIGNALS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: TYPEORM_SIGNALS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<TypeOrmSignalsOptions>({ optionsInjectionToken: TYPEORM_SIGNALS_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createTypeOrmSignalsOptions')
  .setExtras<TypeOrmSignalsModuleExtras>({ dataSource: 'default', isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    providers: [
      ...(definition.providers ?? []),
      { provide: TYPEORM_SIGNALS_DATA_SOURCE, useExisting: getDataSourceToken(extras.dataSource) },
      { provide: TYPEORM_SIGNALS_DATA_SOURCE_NAME, useValue: extras.dataSource ?? 'default' },
    ],
  }))
  .build();
