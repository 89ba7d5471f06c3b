import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner.js';
import { User } from './user.entity.js';

/** Reads users; they are created by the fixtures only. */
@Injectable()
export class UsersService {
  constructor(private readonly db: TransactionRunner) {}

  findByUsername(username: string): Promise<User | null> {
    return this.db.read((manager) => manager.findOneBy(User, { username }));
  }

  findById(id: number): Promise<User | null> {
    return this.db.read((manager) => manager.findOneBy(User, { id }));
  }
}
