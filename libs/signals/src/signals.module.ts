import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ReceiversLoader } from './receivers/receivers-loader.js';
import { resolveSignalsOptions } from './signals-options.js';
import { SIGNALS_MODULE_OPTIONS, SIGNALS_OPTIONS } from './signals.constants.js';
import {
  ConfigurableSignalsModule,
  SIGNALS_ASYNC_OPTIONS_TYPE,
  SIGNALS_OPTIONS_TYPE,
} from './signals.module-definition.js';

/**
 * Connects the `@Receiver` methods of every singleton provider and controller when the application has
 * bootstrapped, and disconnects them when it shuts down (`app.close()`). Import it once, in the root module.
 * The signals themselves (`postSave`, your `new Signal(...)`) are process-global objects and work without it.
 * @throws SignalsConfigError at bootstrap for an unknown option.
 */
@Module({})
export class SignalsModule extends ConfigurableSignalsModule {
  static override forRoot(options: typeof SIGNALS_OPTIONS_TYPE = {}): DynamicModule {
    return withLoader(super.forRoot(options));
  }

  static override forRootAsync(options: typeof SIGNALS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withLoader(super.forRootAsync(options));
  }
}

function withLoader(definition: DynamicModule): DynamicModule {
  return {
    ...definition,
    imports: [...(definition.imports ?? []), DiscoveryModule],
    providers: [
      ...(definition.providers ?? []),
      { provide: SIGNALS_OPTIONS, useFactory: resolveSignalsOptions, inject: [SIGNALS_MODULE_OPTIONS] },
      ReceiversLoader,
    ],
  };
}
