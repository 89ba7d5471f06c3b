import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { parseRecordId } from '../common/record-id.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { Credentials } from './credentials.pipe.js';
import { hashPassword, parsePasswordHash, verifyPassword } from './password-hash.js';
import type { SignedInUser } from './signed-in-user.js';

@Injectable()
export class AuthService {
  // Checked against when the username is unknown, so that the answer takes as long as for a wrong password and
  // does not reveal which usernames exist (Django's ModelBackend does the same).
  private readonly unknownUserHash = hashPassword(randomBytes(16).toString('hex'));

  constructor(private readonly users: UsersService) {}

  /** The user these credentials belong to, or undefined when the username or the password is wrong. */
  async authenticate({ username, password }: Credentials): Promise<SignedInUser | undefined> {
    const user = await this.users.findByUsername(username);
    const hash = (user && parsePasswordHash(user.passwordHash)) ?? this.unknownUserHash;
    const valid = await verifyPassword(password, hash);
    return user && valid && hash !== this.unknownUserHash ? toSignedInUser(user) : undefined;
  }

  /** The user a session is bound to, if they still exist. Session user ids are strings (`SessionService.getUserId`). */
  async findUser(sessionUserId: string): Promise<SignedInUser | undefined> {
    const id = parseRecordId(sessionUserId);
    const user = id === undefined ? null : await this.users.findById(id);
    return user ? toSignedInUser(user) : undefined;
  }
}

function toSignedInUser({ id, username }: User): SignedInUser {
  return { id, username };
}
