import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SessionModuleOptions } from './session-options.interface.js';
import { SESSION_MODULE_OPTIONS } from './session.constants.js';

/** Options only `SessionModule` itself reads. */
export interface SessionModuleExtras {
  /** Register the module globally, so that any module can inject `SessionService`. @default false */
  isGlobal?: boolean;
}

/** A class `forRootAsync({ useClass })` can use: `createSessionOptions()` returns the options. */
export interface SessionOptionsFactory {
  createSessionOptions(): SessionModuleOptions | Promise<SessionModuleOptions>;
}

export const {
  ConfigurableModuleClass: ConfigurableSessionModule,
  OPTIONS_TYPE: SESSION_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SESSION_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SessionModuleOptions>({ optionsInjectionToken: SESSION_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createSessionOptions')
  .setExtras<SessionModuleExtras>({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
