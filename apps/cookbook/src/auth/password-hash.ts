import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/** A password as stored: an scrypt digest and its per-user salt. */
export interface PasswordHash {
  readonly salt: Buffer;
  readonly digest: Buffer;
}

const KEY_LENGTH = 64;
const SALT_BYTES = 16;
const SCHEME = 'scrypt';
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

// Synchronous: only used by the fixtures (two demo users) and once at startup for the unknown-user decoy.
export function hashPassword(password: string): PasswordHash {
  const salt = randomBytes(SALT_BYTES);
  return { salt, digest: scryptSync(password, salt, KEY_LENGTH) };
}

// Asynchronous so that a login does not block the event loop while scrypt runs.
export async function verifyPassword(password: string, hash: PasswordHash): Promise<boolean> {
  const digest = await scryptAsync(password, hash.salt, KEY_LENGTH);
  return digest.length === hash.digest.length && timingSafeEqual(digest, hash.digest);
}

/** The hash as the users table stores it: `scrypt$<salt>$<digest>`, both base64. */
export function formatPasswordHash({ salt, digest }: PasswordHash): string {
  return `${SCHEME}$${salt.toString('base64')}$${digest.toString('base64')}`;
}

/** Reads a stored hash; undefined when it is not in the `scrypt$<salt>$<digest>` form (such a user cannot sign in). */
export function parsePasswordHash(stored: string): PasswordHash | undefined {
  const [scheme, salt, digest, ...rest] = stored.split('$');
  if (scheme !== SCHEME || !salt || !digest || rest.length > 0) return undefined;
  return { salt: Buffer.from(salt, 'base64'), digest: Buffer.from(digest, 'base64') };
}
