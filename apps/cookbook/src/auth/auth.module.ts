import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { SignedInGuard } from './signed-in.guard.js';

/**
 * Sign-in over `@stash/session` (SessionModule is global, registered by AppModule) against the users table, and
 * `SignedInGuard` for the routes that need a signed-in user.
 */
@Module({
  imports: [UsersModule],
  controllers: [AuthController],
  providers: [AuthService, SignedInGuard],
  exports: [AuthService, SignedInGuard],
})
export class AuthModule {}
