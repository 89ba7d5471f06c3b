import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CookbookConfig } from '../config/cookbook-config.interface.js';
import { cookbookConfig } from '../config/cookbook.config.js';
import { TransactionRunner } from './transaction-runner.js';
import { cookbookTypeOrmOptions } from './typeorm-options.js';

/**
 * The cookbook's database (DATABASE_URL), migrated at startup. A SQLite file's directory is created if missing,
 * so a fresh checkout starts with no setup.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [cookbookConfig.KEY],
      useFactory: (config: CookbookConfig) => {
        if (config.database.kind === 'sqlite') mkdirSync(dirname(config.database.path), { recursive: true });
        return cookbookTypeOrmOptions(config.database);
      },
    }),
  ],
  providers: [TransactionRunner],
  exports: [TransactionRunner],
})
export class DatabaseModule {}
