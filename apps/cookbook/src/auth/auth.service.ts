import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Credentials } from './credentials.pipe.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import type { User } from './user.js';
import { UsersRepository } from './users.repository.js';

@Injectable()
export class AuthService {
  // Checked against when the username is unknown, so that the answer takes as long as for a wrong password and
  // does not reveal which usernames exist (Django's ModelBackend does the same).
  private readonly unknownUserHash = hashPassword(randomBytes(16).toString('hex'));

  constructor(private readonly users: UsersRepository) {}

  /** The user these credentials belong to, or undefined when the username or the password is wrong. */
  async authenticate({ username, password }: Credentials): Promise<User | undefined> {
    const user = this.users.findByUsername(username);
    const valid = await verifyPassword(password, user?.passwordHash ?? this.unknownUserHash);
    return user && valid ? toUser(user) : undefined;
  }

  /** The user a session is bound to, if they still exist. */
  findUser(id: string): User | undefined {
    const user = this.users.findById(id);
    return user && toUser(user);
  }
}

function toUser({ id, username }: User): User {
  return { id, username };
}
