import { QueryFailedError } from 'typeorm';

// PostgreSQL's unique_violation SQLSTATE, and better-sqlite3's extended result code.
const UNIQUE_VIOLATION_CODES = new Set(['23505', 'SQLITE_CONSTRAINT_UNIQUE']);

/** Whether a query failed because a row with the same unique key exists (on either database). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && UNIQUE_VIOLATION_CODES.has(code);
}
