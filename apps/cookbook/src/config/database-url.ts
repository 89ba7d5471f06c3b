import type { DatabaseConfig } from './cookbook-config.interface.js';

/** What DATABASE_URL accepts, for error messages. */
export const DATABASE_URL_FORMS =
  'sqlite:<file path> or postgres://user:password@host:port/database (postgresql:// too), with an optional ' +
  '?schema=<name>';

// An unquoted PostgreSQL identifier: the schema name ends up in DDL, so nothing that would need quoting.
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Parses DATABASE_URL, or returns why it is not acceptable. */
export function parseDatabaseUrl(value: string): DatabaseConfig | { readonly problem: string } {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    return path.trim() === '' ? { problem: 'the sqlite: URL has no file path' } : { kind: 'sqlite', path };
  }
  if (!/^postgres(ql)?:\/\//.test(value)) return { problem: 'unknown scheme' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'not a valid URL' };
  }
  if (!url.hostname) return { problem: 'the URL has no host' };
  const schema = url.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    return { problem: `schema "${schema}" is not a plain identifier (letters, digits, _)` };
  }
  // `schema` is ours, not libpq's: the pg driver must not see it.
  url.searchParams.delete('schema');
  return { kind: 'postgres', url: url.toString(), schema };
}
