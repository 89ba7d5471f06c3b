import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { DatabaseConfig } from '../config/cookbook-config.interface.js';
import { COOKBOOK_ENTITIES, COOKBOOK_MIGRATIONS } from './entities.js';

/**
 * TypeORM options for the configured database. The schema is created by migrations, run at startup, never by
 * `synchronize` (which would drop and recreate columns behind the data's back).
 */
export function cookbookTypeOrmOptions(database: DatabaseConfig): TypeOrmModuleOptions {
  const common = {
    entities: COOKBOOK_ENTITIES,
    migrations: COOKBOOK_MIGRATIONS,
    migrationsRun: true,
    // One transaction for all pending migrations: a failed one leaves the schema as it was.
    migrationsTransactionMode: 'all',
    synchronize: false,
    // A database that is down at startup fails the start within a few seconds instead of Nest's 9 × 3 s.
    retryAttempts: 2,
    retryDelay: 1000,
  } as const;
  if (database.kind === 'sqlite') {
    return { type: 'better-sqlite3', database: database.path, ...common };
  }
  return { type: 'postgres', url: database.url, schema: database.schema, ...common };
}
