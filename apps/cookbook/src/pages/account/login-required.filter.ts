import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { addNeverCacheHeaders } from '@stash/cache';
import type { Response } from 'express';
import { LoginRequiredException } from './login-required.exception.js';
import { safeNextPath } from './next-path.js';

/** Django's `login_required` redirect: 302 to `/login?next=<the page>`, never cached. */
@Catch(LoginRequiredException)
export class LoginRequiredFilter implements ExceptionFilter<LoginRequiredException> {
  catch(exception: LoginRequiredException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    addNeverCacheHeaders(res);
    res.redirect(302, `/login?next=${encodeURIComponent(safeNextPath(exception.next))}`);
  }
}
