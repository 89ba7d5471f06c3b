import { Injectable } from '@nestjs/common';
import { SessionService } from '@stash/session';
import type { Request } from 'express';
import { randomBytes } from 'node:crypto';
import { parseRecordId } from '../common/record-id.js';
import { rotateCsrfToken, type CsrfSession } from '../csrf/csrf-token.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { Credentials } from './credentials.pipe.js';
import { hashPassword, parsePasswordHash, verifyPassword } from './password-hash.js';
import type { SignedInUser } from './signed-in-user.js';

/**
 * Signing in and out over `@stash/session`, for the JSON API and the login form alike, and the one place that
 * reads which user a request's session belongs to.
 */
@Injectable()
export class AuthService {
  // Checked against when the username is unknown, so that the answer takes as long as for a wrong password and
  // does not reveal which usernames exist (Django's ModelBackend does the same).
  private readonly unknownUserHash = hashPassword(randomBytes(16).toString('hex'));

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionService,
  ) {}

  /**
   * Signs in when the credentials are right: a new CSRF token (Django rotates it at login: a token seen before
   * signing in is worthless after) and a new session id bound to the user (an id planted before is worthless too).
   * `login` cycles the session id and keeps the data, new token included; a session of another user is flushed
   * instead, and the next form creates a token.
   * @returns the user, or undefined when the username or the password is wrong (nothing changes then).
   */
  async signIn(req: Request, credentials: Credentials): Promise<SignedInUser | undefined> {
    const user = await this.authenticate(credentials);
    if (!user) return undefined;
    rotateCsrfToken(await this.sessions.load<CsrfSession>(req));
    await this.sessions.login(req, user.id);
    return user;
  }

  /** Signs out: the session's data is deleted and its cookie cleared. */
  signOut(req: Request): Promise<void> {
    return this.sessions.logout(req);
  }

  /**
   * Signs the request's user out on every device (after a password change, a lost phone): every session in the
   * user's index is deleted, on every app instance, and this request's cookie is cleared.
   * @returns false when nobody is signed in (nothing changes then).
   */
  async signOutEverywhere(req: Request): Promise<boolean> {
    const userId = await this.sessions.getUserId(req);
    if (userId === undefined) return false;
    await this.sessions.destroyAllForUser(userId);
    await this.sessions.logout(req);
    return true;
  }

  /**
   * The user the request's session is bound to, if they still exist. Session user ids are strings
   * (`SessionService.getUserId`); one that is not a record id names nobody.
   */
  async userOf(req: Request): Promise<User | undefined> {
    const sessionUserId = await this.sessions.getUserId(req);
    const id = sessionUserId === undefined ? undefined : parseRecordId(sessionUserId);
    return (id === undefined ? null : await this.users.findById(id)) ?? undefined;
  }

  private async authenticate({ username, password }: Credentials): Promise<SignedInUser | undefined> {
    const user = await this.users.findByUsername(username);
    const hash = (user && parsePasswordHash(user.passwordHash)) ?? this.unknownUserHash;
    const valid = await verifyPassword(password, hash);
    return user && valid && hash !== this.unknownUserHash ? toSignedInUser(user) : undefined;
  }
}

/** A user as the API shows them. */
export function toSignedInUser({ id, username }: User): SignedInUser {
  return { id, username };
}
