import { Body, Controller, Get, Header, Post, Query, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { NeverCache } from '@stash/cache';
import { SessionService } from '@stash/session';
import type { Request } from 'express';
import { AuthService } from '../../auth/auth.service.js';
import { CredentialsPipe } from '../../auth/credentials.pipe.js';
import { CsrfGuard } from '../../csrf/csrf.guard.js';
import { csrfTokenOf, type CsrfSession } from '../../csrf/csrf-token.js';
import { isJsonRequest } from '../../csrf/json-request.js';
import { RateLimit } from '../../rate-limit/rate-limit.decorator.js';
import { PageRenderer } from '../liquid/page-renderer.service.js';
import { HTML } from '../page-headers.js';
import { htmlResponse, jsonResponse, noContent, seeOther } from '../web-responses.js';
import { safeNextPath } from './next-path.js';
import { toPageUser, type PageUser } from './page-user.js';

const PROMPT = 'Enter your username and password.';
const REFUSED = 'Invalid username or password.';

/**
 * The login form and signing in and out from a browser. `POST /login` and `POST /logout` also take JSON and then
 * answer as `POST /api/login` and `/api/logout` do; forms need the CSRF token (`CsrfGuard`), JSON does not.
 */
@Controller()
export class LoginPageController {
  private readonly credentials = new CredentialsPipe();

  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly renderer: PageRenderer,
  ) {}

  /** The form, or who is signed in. It sets the session's CSRF token, so it is never cached. */
  @Get('login')
  @Header('Content-Type', HTML)
  @NeverCache()
  async form(@Req() req: Request, @Query('next') next: unknown): Promise<string> {
    return this.renderLogin(req, { next: safeNextPath(next) });
  }

  /**
   * Signs in with a new session id and a new CSRF token (`AuthService.signIn`, as `POST /api/login` does). A form
   * goes on to `next` (303) or is re-shown with an error (400 for missing fields, 401 for wrong ones); JSON gets
   * `{ user }` or 400/401.
   */
  @Post('login')
  @RateLimit('login')
  @UseGuards(CsrfGuard)
  async login(@Req() req: Request, @Body() body: unknown): Promise<Response> {
    if (isJsonRequest(req)) {
      const user = await this.auth.signIn(req, this.credentials.transform(body));
      if (!user) throw new UnauthorizedException('Invalid username or password');
      return jsonResponse({ user }, 200);
    }
    const fields = formFields(body);
    const next = safeNextPath(fields.next);
    if (!fields.username || !fields.password) {
      return htmlResponse(await this.renderLogin(req, { next, username: fields.username, error: PROMPT }), 400);
    }
    const user = await this.auth.signIn(req, { username: fields.username, password: fields.password });
    if (!user) {
      return htmlResponse(await this.renderLogin(req, { next, username: fields.username, error: REFUSED }), 401);
    }
    return seeOther(next);
  }

  /** Signs out (the session's data is deleted, its cookie cleared): a form goes to the recipes, JSON gets 204. */
  @Post('logout')
  @UseGuards(CsrfGuard)
  async logout(@Req() req: Request): Promise<Response> {
    await this.auth.signOut(req);
    return isJsonRequest(req) ? noContent() : seeOther('/cookbook/');
  }

  private async renderLogin(req: Request, view: { next: string; username?: string; error?: string }): Promise<string> {
    const session = await this.sessions.load<CsrfSession>(req);
    return this.renderer.render('login', {
      title: 'Sign in',
      account: await this.accountOf(req),
      csrfToken: csrfTokenOf(session),
      username: '',
      ...view,
    });
  }

  private async accountOf(req: Request): Promise<PageUser | undefined> {
    const user = await this.auth.userOf(req);
    return user ? toPageUser(user) : undefined;
  }
}

function formFields(body: unknown): { username: string; password: string; next: string | undefined } {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (name: string): string => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
  return { username: text('username').trim(), password: text('password'), next: text('next') || undefined };
}
