import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req, UnauthorizedException } from '@nestjs/common';
import { SessionService } from '@stash/session';
import type { Request } from 'express';
import { AuthService } from './auth.service.js';
import { CredentialsPipe, type Credentials } from './credentials.pipe.js';
import type { SignedInUser } from './signed-in-user.js';

@Controller('api')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
  ) {}

  /** Signs in: a new session id bound to the user (an id planted before login is worthless afterwards). */
  @Post('login')
  @HttpCode(HttpStatus.OK)
  async login(@Req() req: Request, @Body(CredentialsPipe) credentials: Credentials): Promise<{ user: SignedInUser }> {
    const user = await this.auth.authenticate(credentials);
    if (!user) throw new UnauthorizedException('Invalid username or password');
    await this.sessions.login(req, user.id);
    return { user };
  }

  /** Signs out: the session's data is deleted and its cookie cleared. */
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(@Req() req: Request): Promise<void> {
    await this.sessions.logout(req);
  }

  /** The signed-in user. */
  @Get('me')
  async me(@Req() req: Request): Promise<{ user: SignedInUser }> {
    const userId = await this.sessions.getUserId(req);
    const user = userId === undefined ? undefined : await this.auth.findUser(userId);
    if (!user) throw new UnauthorizedException('Not signed in');
    return { user };
  }
}
