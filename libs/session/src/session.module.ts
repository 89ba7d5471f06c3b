import {
  Logger,
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { SessionConnection } from './connection/session-connection.js';
import { SessionFaults } from './faults/session-faults.js';
import { SessionCommitInterceptor } from './http/session-commit.interceptor.js';
import { SessionLifecycle } from './http/session-lifecycle.js';
import { SessionLoadGuard } from './http/session-load.guard.js';
import { SessionMiddleware } from './http/session.middleware.js';
import { resolveSessionOptions } from './session-options.js';
import { SESSION_LOGGER, SESSION_MODULE_OPTIONS, SESSION_OPTIONS } from './session.constants.js';
import {
  ConfigurableSessionModule,
  SESSION_ASYNC_OPTIONS_TYPE,
  SESSION_OPTIONS_TYPE,
} from './session.module-definition.js';
import { SessionService } from './session.service.js';
import { SessionEngine } from './store/session-engine.js';

/**
 * Redis-backed sessions (Django's `SESSION_ENGINE` on Redis) over express-session and connect-redis 8:
 * `SessionModule.forRoot({ secret, url })`. Installs its middleware on every route itself, loads a session only
 * for handlers that use it, saves it before the response, and closes its connection on shutdown.
 * @throws SessionConfigError at bootstrap for a missing or short secret, an unknown option or a bad value.
 */
@Module({})
export class SessionModule extends ConfigurableSessionModule implements NestModule {
  static override forRoot(options: typeof SESSION_OPTIONS_TYPE): DynamicModule {
    return withSessionProviders(super.forRoot(options));
  }

  static override forRootAsync(options: typeof SESSION_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withSessionProviders(super.forRootAsync(options));
  }

  configure(consumer: MiddlewareConsumer): void {
    // Nest 12 (path-to-regexp 8) syntax for "every path, including /".
    consumer.apply(SessionMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}

function withSessionProviders(definition: DynamicModule): DynamicModule {
  const providers: Provider[] = [
    { provide: SESSION_LOGGER, useValue: new Logger('StashSession') },
    { provide: SESSION_OPTIONS, useFactory: resolveSessionOptions, inject: [SESSION_MODULE_OPTIONS] },
    SessionFaults,
    SessionConnection,
    SessionEngine,
    SessionLifecycle,
    SessionMiddleware,
    SessionService,
    { provide: APP_GUARD, useClass: SessionLoadGuard },
    { provide: APP_INTERCEPTOR, useClass: SessionCommitInterceptor },
  ];
  return {
    ...definition,
    providers: [...(definition.providers ?? []), ...providers],
    exports: [...(definition.exports ?? []), SessionService, SESSION_OPTIONS],
  };
}
