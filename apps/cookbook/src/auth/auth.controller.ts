import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimit } from '../rate-limit/rate-limit.decorator.js';
import { AuthService, toSignedInUser } from './auth.service.js';
import { CredentialsPipe, type Credentials } from './credentials.pipe.js';
import type { SignedInUser } from './signed-in-user.js';

@Controller('api')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Signs in: a new session id bound to the user, and a new CSRF token (as the login form does). */
  @Post('login')
  @RateLimit('login')
  @HttpCode(HttpStatus.OK)
  async login(@Req() req: Request, @Body(CredentialsPipe) credentials: Credentials): Promise<{ user: SignedInUser }> {
    const user = await this.auth.signIn(req, credentials);
    if (!user) throw new UnauthorizedException('Invalid username or password');
    return { user };
  }

  /** Signs out: the session's data is deleted and its cookie cleared. */
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(@Req() req: Request): Promise<void> {
    await this.auth.signOut(req);
  }

  /** Signs out on every device: every session of the user is deleted, this one included. */
  @Post('logout-everywhere')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logoutEverywhere(@Req() req: Request): Promise<void> {
    if (!(await this.auth.signOutEverywhere(req))) throw new UnauthorizedException('Not signed in');
  }

  /** The signed-in user. */
  @Get('me')
  async me(@Req() req: Request): Promise<{ user: SignedInUser }> {
    const user = await this.auth.userOf(req);
    if (!user) throw new UnauthorizedException('Not signed in');
    return { user: toSignedInUser(user) };
  }
}
