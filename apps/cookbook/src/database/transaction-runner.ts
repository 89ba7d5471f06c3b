import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Runs database work. On PostgreSQL each transaction gets its own pooled connection. TypeORM drives SQLite
 * through a single connection, so two transactions at once would nest into each other (one's rollback undoing
 * the other's work) and a read during a transaction would see, and could cache, rows that are later rolled
 * back. On SQLite, work therefore runs one unit at a time.
 */
@Injectable()
export class TransactionRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly serial: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.serial = dataSource.options.type === 'better-sqlite3';
  }

  /** Runs `work` in a transaction; entity signals raised inside it are dispatched after the commit. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.exclusive(() => this.dataSource.transaction(work));
  }

  /** Runs reads outside a transaction, never interleaved with a SQLite transaction. */
  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.exclusive(() => work(this.dataSource.manager));
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (!this.serial) return task();
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
