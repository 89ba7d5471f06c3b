import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CsrfGuard } from './csrf.guard.js';
import { JsonWritesOnlyMiddleware } from './json-writes-only.middleware.js';

/**
 * Cross-site request forgery protection. The JSON API (`/api/*`) takes unsafe requests only as
 * `application/json` (`JsonWritesOnlyMiddleware`, 415 otherwise); the HTML forms carry the session's token
 * (`CsrfGuard`, exported for the page controllers).
 */
@Module({
  providers: [CsrfGuard],
  exports: [CsrfGuard],
})
export class CsrfModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonWritesOnlyMiddleware).forRoutes({ path: 'api/{*path}', method: RequestMethod.ALL });
  }
}
