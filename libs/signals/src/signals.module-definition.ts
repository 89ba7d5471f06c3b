import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SignalsModuleOptions } from './signals-options.js';
import { SIGNALS_MODULE_OPTIONS } from './signals.constants.js';

/** Options only `SignalsModule` itself reads. */
export interface SignalsModuleExtras {
  /** Register the module globally. @default false */
  isGlobal?: boolean;
}

export const {
  ConfigurableModuleClass: ConfigurableSignalsModule,
  OPTIONS_TYPE: SIGNALS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SIGNALS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SignalsModuleOptions>({ optionsInjectionToken: SIGNALS_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createSignalsOptions')
  .setExtras<SignalsModuleExtras>({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
