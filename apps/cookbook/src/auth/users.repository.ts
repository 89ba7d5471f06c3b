import { Injectable } from '@nestjs/common';
import { hashPassword, type PasswordHash } from './password-hash.js';
import type { User } from './user.js';

const DEMO_PASSWORD = 'cookbook';
const DEMO_USERS: readonly User[] = [
  { id: 1, username: 'alice' },
  { id: 2, username: 'bob' },
];

/** A user with the hash of their password, as the users table will hold it. */
export interface StoredUser extends User {
  readonly passwordHash: PasswordHash;
}

/**
 * Stands in for the users table until the full cookbook lands: `alice` and `bob`, password `cookbook`, hashed
 * with a salt of their own when the app starts.
 */
@Injectable()
export class UsersRepository {
  private readonly users: readonly StoredUser[] = DEMO_USERS.map((user) => ({
    ...user,
    passwordHash: hashPassword(DEMO_PASSWORD),
  }));

  findByUsername(username: string): StoredUser | undefined {
    return this.users.find((user) => user.username === username);
  }

  // Session user ids are strings (`SessionService.getUserId`).
  findById(id: string): StoredUser | undefined {
    return this.users.find((user) => String(user.id) === id);
  }
}
